{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='period_month',
        on_schema_change='fail',
        post_hook="{{ record_reference_fingerprint([ref('products'), ref('partner_names_zh'), ref('gacc_partner_codes')]) }}"
    )
}}

-- depends_on: {{ ref('partner_names_zh') }}
-- depends_on: {{ ref('gacc_partner_codes') }}

-- GACC detailed lines rolled up to their HS6 series, one row per landed file (vintage) of a
-- month, series and partner. Incremental by month (see macros/incremental_months.sql): a run
-- reads only the lines of months that received new files.

with

gacc_lines as (
    select * from {{ ref('int_gacc_exports_partnered') }}
    where {{ months_to_build(
        ref('stg_gacc__query_exports'), 'loaded_at', 'vintage_at',
        [ref('products'), ref('partner_names_zh'), ref('gacc_partner_codes')]
    ) }}
),

hs6_products as (
    select product_code from {{ ref('products') }}
    where code_level = 'hs6'
),

-- Lines of unknown codes or partners stay in the detail model and are reported there, never
-- summed into a series they may not belong to.
final as (
    select
        gacc_lines.period_month,
        1 as months_covered,
        gacc_lines.hs6_code as product_code,
        gacc_lines.partner_iso3,
        'gacc_detailed' as source,
        sum(gacc_lines.quantity_t) as quantity_t,
        sum(gacc_lines.value_usd) as value_usd,
        gacc_lines.source_file as source_ref,
        gacc_lines.loaded_at as vintage_at
    from gacc_lines
    inner join hs6_products
        on gacc_lines.hs6_code = hs6_products.product_code
    where gacc_lines.partner_iso3 is not null
    group by
        gacc_lines.period_month,
        gacc_lines.hs6_code,
        gacc_lines.partner_iso3,
        gacc_lines.source_file,
        gacc_lines.loaded_at
)

select * from final
