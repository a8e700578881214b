with

gacc as (
    select * from {{ ref('stg_gacc__query_exports') }}
),

partner_codes as (
    select * from {{ ref('gacc_partner_codes') }}
),

partner_names as (
    select * from {{ ref('partner_names_zh') }}
),

-- GACC's own partner code decides where the seed sources it; otherwise the Chinese name,
-- matched whole (几内亚 is Guinea, never part of 几内亚比绍 or 巴布亚新几内亚).
final as (
    select
        gacc.*,
        coalesce(partner_codes.partner_iso3, partner_names.partner_iso3) as partner_iso3,
        case
            when partner_codes.partner_iso3 is not null then 'gacc_partner_code'
            when partner_names.partner_iso3 is not null then 'partner_name_zh'
        end as partner_iso3_from
    from gacc
    left join partner_codes
        on gacc.gacc_partner_code = partner_codes.gacc_partner_code
    left join partner_names
        on gacc.partner_name_zh = partner_names.partner_name_zh
)

select * from final
