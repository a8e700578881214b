with

exports as (
    select * from {{ ref('fct_monthly_exports') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

events as (
    select * from {{ ref('dim_policy_event') }}
),

-- A group's series is the sum of its products flagged in_group_series (the GACC total for
-- rare earths, HS 8505.11 for magnets, the HS6 lines for the other groups), so national
-- lines are never added on top of the total they belong to.
group_series as (
    select
        exports.period_month,
        exports.months_covered,
        products.product_group,
        exports.partner_iso3,
        sum(exports.quantity_t) as quantity_t,
        sum(exports.value_usd) as value_usd,
        string_agg(distinct exports.product_code, ',' order by exports.product_code)
            as product_codes
    from exports
    inner join products
        on exports.product_code = products.product_code
    where products.in_group_series
    group by
        exports.period_month,
        exports.months_covered,
        products.product_group,
        exports.partner_iso3
),

bounds as (
    select
        product_group,
        partner_iso3,
        min(period_month) as first_month,
        max(period_month + to_months(months_covered - 1)) as last_month
    from group_series
    group by product_group, partner_iso3
),

-- Every month between the first and last figure, so a month without data still shows which
-- measures were in force.
spine as (
    select
        bounds.product_group,
        bounds.partner_iso3,
        cast(
            unnest(generate_series(bounds.first_month, bounds.last_month, interval 1 month))
            as date
        ) as period_month
    from bounds
),

-- The later months of a combined release (February of a January-February figure) are not
-- rows of their own: the release stays combined.
months_inside_combined_releases as (
    select
        product_group,
        partner_iso3,
        cast(
            unnest(
                generate_series(
                    period_month + interval 1 month,
                    period_month + to_months(months_covered - 1),
                    interval 1 month
                )
            ) as date
        ) as period_month
    from group_series
    where months_covered > 1
),

series_months as (
    select spine.*
    from spine
    where not exists (
        select 1
        from months_inside_combined_releases as inside
        where
            inside.product_group = spine.product_group
            and inside.partner_iso3 = spine.partner_iso3
            and inside.period_month = spine.period_month
    )
),

-- A measure's state is read at the end of the month: in force if effective by then and
-- neither lifted nor inside a suspension window at that date. Measures aimed at one partner
-- apply to that partner and to the world total it is part of.
event_states as (
    select
        series_months.period_month,
        series_months.product_group,
        series_months.partner_iso3,
        events.event_id,
        events.event_type,
        events.is_measure
        and events.effective_date <= last_day(series_months.period_month)
        and coalesce(events.lifted_date > last_day(series_months.period_month), true)
        and not coalesce(
            events.suspended_date <= last_day(series_months.period_month)
            and coalesce(
                events.suspension_end_date > last_day(series_months.period_month), true
            ),
            false
        ) as is_in_force,
        events.is_measure
        and coalesce(
            events.suspended_date <= last_day(series_months.period_month)
            and coalesce(
                events.suspension_end_date > last_day(series_months.period_month), true
            ),
            false
        ) as is_suspended,
        coalesce(
            date_trunc('month', events.announced_date) = series_months.period_month
            or date_trunc('month', events.effective_date) = series_months.period_month
            or date_trunc('month', events.suspended_date) = series_months.period_month
            or date_trunc('month', events.suspension_end_date) = series_months.period_month
            or date_trunc('month', events.lifted_date) = series_months.period_month,
            false
        ) as happened_in_month
    from series_months
    inner join events
        on
            list_contains(events.product_groups, series_months.product_group)
            and (
                len(events.targets) = 0
                or list_contains(events.targets, 'ALL')
                or list_contains(events.targets, series_months.partner_iso3)
                or series_months.partner_iso3 = 'WLD'
            )
),

annotations as (
    select
        period_month,
        product_group,
        partner_iso3,
        list_sort(list(event_id) filter (where is_in_force)) as measures_in_force,
        list_sort(list(event_id) filter (where happened_in_month)) as events_in_month,
        bool_or(is_in_force and event_type = 'export_control') as has_licensing_in_force,
        bool_or(is_in_force) as has_measure_in_force,
        bool_or(is_suspended) as has_suspended_measure
    from event_states
    group by period_month, product_group, partner_iso3
),

final as (
    select
        cast(series_months.period_month as date) as period_month,
        cast(series_months.product_group as varchar) as product_group,
        cast(series_months.partner_iso3 as varchar) as partner_iso3,
        cast(group_series.quantity_t as double) as quantity_t,
        cast(group_series.value_usd as double) as value_usd,
        cast(coalesce(group_series.months_covered, 1) as integer) as months_covered,
        coalesce(group_series.months_covered > 1, false) as is_combined_release,
        cast(group_series.product_codes as varchar) as product_codes,
        cast(coalesce(annotations.measures_in_force, []) as varchar[]) as measures_in_force,
        cast(coalesce(annotations.events_in_month, []) as varchar[]) as events_in_month,
        cast(
            case
                when annotations.has_licensing_in_force then 'export_licensing'
                when annotations.has_measure_in_force then 'regulated'
                when annotations.has_suspended_measure then 'controls_suspended'
                else 'no_controls'
            end as varchar
        ) as policy_regime
    from series_months
    left join group_series
        on
            series_months.period_month = group_series.period_month
            and series_months.product_group = group_series.product_group
            and series_months.partner_iso3 = group_series.partner_iso3
    left join annotations
        on
            series_months.period_month = annotations.period_month
            and series_months.product_group = annotations.product_group
            and series_months.partner_iso3 = annotations.partner_iso3
)

select * from final
