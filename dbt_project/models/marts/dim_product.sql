with

products as (
    select * from {{ ref('products') }}
),

series as (
    select * from {{ ref('reported_series') }}
),

tariff_codes as (
    select
        cast(product_code as varchar) as product_code,
        cast(product_name as varchar) as product_name,
        cast(product_group as varchar) as product_group,
        cast(code_level as varchar) as code_level,
        cast(hs6_code as varchar) as hs6_code,
        cast(first_unit as varchar) as first_unit,
        cast(in_group_series as boolean) as in_group_series,
        cast(source_url as varchar) as source_url,
        cast(is_verified as boolean) as is_verified
    from products
),

-- Series the press reports that are no tariff code (gallium, antimony products, ...): the
-- monthly fact names them in product_code, so they are products here too. dim_series says
-- what each covers.
reported_series_only as (
    select
        cast(series.series_id as varchar) as product_code,
        cast(series.series_name as varchar) as product_name,
        cast(series.product_group as varchar) as product_group,
        'reported_series' as code_level,
        cast(null as varchar) as hs6_code,
        cast(series.reported_unit as varchar) as first_unit,
        true as in_group_series,
        cast(series.source_url as varchar) as source_url,
        false as is_verified
    from series
    anti join products
        on series.series_id = products.product_code
),

final as (
    select * from tariff_codes
    union all
    select * from reported_series_only
)

select * from final
