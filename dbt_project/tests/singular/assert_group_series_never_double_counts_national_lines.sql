-- A failure means a product group's series sums products of different code levels (e.g. the
-- GACC rare-earth total plus HS6 lines that belong to it), which would overstate exports.
with

products as (
    select * from {{ ref('dim_product') }}
),

final as (
    select product_group
    from products
    where in_group_series
    group by product_group
    having count(distinct code_level) > 1
)

select * from final
