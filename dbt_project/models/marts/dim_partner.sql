with

countries as (
    select * from {{ ref('stg_reference__iso_countries') }}
),

partner_groups as (
    select * from {{ ref('partner_groups') }}
),

chinese_names as (
    select * from {{ ref('partner_names_zh') }}
),

all_partners as (
    select
        partner_iso3,
        partner_iso2,
        partner_name,
        'country' as partner_type
    from countries
    union all
    select
        partner_iso3,
        cast(null as varchar) as partner_iso2,
        partner_name,
        partner_type
    from partner_groups
),

final as (
    select
        cast(all_partners.partner_iso3 as varchar) as partner_iso3,
        cast(all_partners.partner_iso2 as varchar) as partner_iso2,
        cast(all_partners.partner_name as varchar) as partner_name,
        cast(chinese_names.partner_name_zh as varchar) as partner_name_zh,
        cast(all_partners.partner_type as varchar) as partner_type
    from all_partners
    left join chinese_names
        on all_partners.partner_iso3 = chinese_names.partner_iso3
)

select * from final
