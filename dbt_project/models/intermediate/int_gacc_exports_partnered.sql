with

gacc as (
    select * from {{ ref('stg_gacc__query_exports') }}
),

partner_names as (
    select * from {{ ref('partner_names_zh') }}
),

final as (
    select
        gacc.*,
        partner_names.partner_iso3
    from gacc
    left join partner_names
        on gacc.partner_name_zh = partner_names.partner_name_zh
)

select * from final
