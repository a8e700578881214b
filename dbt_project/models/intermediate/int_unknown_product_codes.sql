with

gacc_lines as (
    select * from {{ ref('int_gacc_exports_partnered') }}
),

products as (
    select * from {{ ref('products') }}
),

-- Codes in landed files that the product list does not know (or knows only outside their
-- validity dates); their lines are kept in the detail model, not summed into a series.
final as (
    select
        gacc_lines.commodity_code,
        min(gacc_lines.period_month) as first_month,
        max(gacc_lines.period_month) as last_month,
        count(*) as line_count,
        string_agg(distinct gacc_lines.source_file, '; ') as source_files
    from gacc_lines
    left join products
        on
            gacc_lines.commodity_code = products.product_code
            and gacc_lines.period_month >= coalesce(products.valid_from, date '1900-01-01')
            and gacc_lines.period_month <= coalesce(products.valid_to, date '9999-12-31')
    left join products as hs6_products
        on
            gacc_lines.hs6_code = hs6_products.product_code
    where products.product_code is null or hs6_products.product_code is null
    group by gacc_lines.commodity_code
)

select * from final
