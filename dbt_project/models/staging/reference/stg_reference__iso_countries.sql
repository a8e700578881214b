with

source as (
    select * from {{ source('raw', 'iso_countries') }}
),

final as (
    select
        alpha_3 as partner_iso3,
        alpha_2 as partner_iso2,
        numeric_code as partner_iso_numeric,
        name as partner_name
    from source
)

select * from final
