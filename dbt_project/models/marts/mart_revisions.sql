with

vintages as (
    select * from {{ ref('int_monthly_exports_vintages') }}
),

exports as (
    select * from {{ ref('fct_monthly_exports') }}
),

-- Revisions of the source the fact uses for each grain.
chosen_vintages as (
    select vintages.*
    from vintages
    inner join exports
        on
            vintages.period_month = exports.period_month
            and vintages.months_covered = exports.months_covered
            and vintages.product_code = exports.product_code
            and vintages.partner_iso3 = exports.partner_iso3
            and vintages.source = exports.source
),

final as (
    select
        cast(period_month as date) as period_month,
        cast(product_code as varchar) as product_code,
        cast(partner_iso3 as varchar) as partner_iso3,
        cast(source as varchar) as source,
        cast(arg_min(quantity_t, vintage_at) as double) as first_quantity_t,
        cast(arg_max(quantity_t, vintage_at) as double) as latest_quantity_t,
        cast(
            round(
                (
                    arg_max(quantity_t, vintage_at)
                    / nullif(arg_min(quantity_t, vintage_at), 0)
                    - 1
                ) * 100,
                2
            ) as double
        ) as revision_pct,
        cast(count(*) as integer) as vintages,
        cast(min(vintage_at) as timestamp) as first_landed_at,
        cast(max(vintage_at) as timestamp) as latest_landed_at
    from chosen_vintages
    group by period_month, months_covered, product_code, partner_iso3, source
)

select * from final
