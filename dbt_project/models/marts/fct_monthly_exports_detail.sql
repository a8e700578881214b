{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='period_month',
        on_schema_change='fail',
        post_hook="{{ record_reference_fingerprint([ref('dim_product'), ref('partner_names_zh'), ref('gacc_partner_codes')]) }}"
    )
}}

-- depends_on: {{ ref('partner_names_zh') }}
-- depends_on: {{ ref('gacc_partner_codes') }}

-- Incremental by month (see macros/incremental_months.sql): at full GACC detail this table
-- holds every landed line, and a run rebuilds only the months that received new files.

with

gacc as (
    select * from {{ ref('int_gacc_exports_partnered') }}
    where {{ months_to_build(
        ref('stg_gacc__query_exports'), 'loaded_at', 'loaded_at',
        [ref('dim_product'), ref('partner_names_zh'), ref('gacc_partner_codes')]
    ) }}
),

products as (
    select * from {{ ref('dim_product') }}
),

final as (
    select
        cast(gacc.period_month as date) as period_month,
        cast(gacc.commodity_code as varchar) as commodity_code,
        cast(gacc.hs6_code as varchar) as hs6_code,
        coalesce(products.product_name, gacc.commodity_name_zh) as product_name,
        products.product_group,
        products.product_code is not null as is_known_code,
        cast(gacc.partner_iso3 as varchar) as partner_iso3,
        cast(gacc.partner_name_zh as varchar) as partner_name_zh,
        cast(gacc.trade_mode_code as varchar) as trade_mode_code,
        cast(gacc.trade_mode_name_zh as varchar) as trade_mode_name_zh,
        cast(gacc.province_code as varchar) as province_code,
        cast(gacc.province_name_zh as varchar) as province_name_zh,
        cast(gacc.quantity_t as double) as quantity_t,
        cast(gacc.value_usd as double) as value_usd,
        cast(gacc.value_cny as double) as value_cny,
        cast(gacc.source_file as varchar) as source_file,
        cast(gacc.source_row_number as integer) as source_row_number,
        cast(gacc.loaded_at as timestamp) as loaded_at
    from gacc
    left join products
        on gacc.commodity_code = products.product_code
)

select * from final
