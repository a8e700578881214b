with

products as (
    select * from {{ ref('products') }}
),

final as (
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
)

select * from final
