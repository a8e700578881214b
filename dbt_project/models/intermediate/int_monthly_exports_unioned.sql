with

vintages as (
    select * from {{ ref('int_monthly_exports_vintages') }}
),

-- The latest release of each source wins within that source.
final as (
    select
        period_month,
        months_covered,
        product_code,
        partner_iso3,
        quantity_t,
        value_usd,
        source,
        source_ref,
        vintage_at,
        count(*) over (
            partition by period_month, months_covered, product_code, partner_iso3, source
        ) as vintages
    from vintages
    qualify row_number() over (
        partition by period_month, months_covered, product_code, partner_iso3, source
        order by vintage_at desc, source_ref desc
    ) = 1
)

select * from final
