with

exports as (
    select * from {{ ref('int_monthly_exports_with_changes') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

partners as (
    select * from {{ ref('dim_partner') }}
),

published_months as (
    select * from {{ ref('int_reported_figures_monthly') }}
),

world as (
    select
        period_month,
        months_covered,
        product_code,
        quantity_t as world_quantity_t
    from exports
    where partner_iso3 = 'WLD'
),

final as (
    select
        cast(exports.period_month as date) as period_month,
        cast(exports.months_covered as integer) as months_covered,
        exports.months_covered > 1 as is_combined_release,
        cast(exports.product_code as varchar) as product_code,
        products.product_name,
        products.product_group,
        cast(exports.partner_iso3 as varchar) as partner_iso3,
        partners.partner_name,
        cast(exports.quantity_t as double) as quantity_t,
        cast(exports.value_usd as double) as value_usd,
        cast(
            case
                when exports.quantity_t > 0
                    then round(exports.value_usd / (exports.quantity_t * 1000), 4)
            end as double
        ) as unit_value_usd_per_kg,
        cast(exports.mom_change_pct as double) as mom_change_pct,
        cast(exports.yoy_change_pct as double) as yoy_change_pct,
        cast(
            case
                when world.world_quantity_t > 0
                    then round(exports.quantity_t / world.world_quantity_t * 100, 2)
            end as double
        ) as share_of_world_pct,
        cast(exports.source as varchar) as source,
        cast(exports.source_ref as varchar) as source_ref,
        -- reported, zero_over_span ("no shipments since October") or derived_from_cumulative
        -- (two reported January-to-month figures a month apart).
        cast(coalesce(published_months.figure_basis, 'reported') as varchar) as figure_basis,
        cast(exports.vintages as integer) as vintages,
        cast(exports.vintage_at as timestamp) as latest_vintage_at
    from exports
    left join products
        on exports.product_code = products.product_code
    left join partners
        on exports.partner_iso3 = partners.partner_iso3
    left join published_months
        on
            exports.source = 'published_figures'
            and exports.period_month = published_months.period_month
            and exports.product_code = published_months.series_id
            and exports.partner_iso3 = published_months.partner_iso3
    left join world
        on
            exports.period_month = world.period_month
            and exports.months_covered = world.months_covered
            and exports.product_code = world.product_code
)

select * from final
