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

series as (
    select * from {{ ref('dim_series') }}
),

precedence as (
    select * from {{ ref('source_precedence') }}
),

-- A tariff line whose scope is exactly one reported series (HS 250410 is natural graphite)
-- belongs to that series; the others are series of their own. Series are never added
-- together: gallium and germanium stay two lines, and so do a series and its parts.
series_of_code as (
    select
        hs6_codes[1] as product_code,
        series_id
    from series
    where
        len(hs6_codes) = 1
        and hs6_codes[1] not in (select reported.series_id from series as reported)
),

series_figures as (
    select
        exports.period_month,
        exports.months_covered,
        products.product_group,
        coalesce(series_of_code.series_id, exports.product_code) as series_id,
        exports.product_code,
        exports.partner_iso3,
        exports.quantity_t,
        exports.value_usd,
        exports.source,
        exports.source_ref
    from exports
    inner join products
        on exports.product_code = products.product_code
    left join series_of_code
        on exports.product_code = series_of_code.product_code
    where products.in_group_series
),

-- When two sources hold the same series, partner and month (a published natural-graphite
-- figure and Comtrade's HS 250410), the source precedence picks one, as in the fact.
group_series as (
    select series_figures.*
    from series_figures
    inner join precedence
        on series_figures.source = precedence.source
    qualify row_number() over (
        partition by
            series_figures.series_id, series_figures.partner_iso3,
            series_figures.period_month
        order by
            precedence.precedence,
            series_figures.months_covered,
            series_figures.source_ref
    ) = 1
),

bounds as (
    select
        series_id,
        any_value(product_group) as product_group,
        partner_iso3,
        min(period_month) as first_month,
        max(period_month + to_months(months_covered - 1)) as last_month
    from group_series
    group by series_id, partner_iso3
),

-- Every month from a series' first figure to the current month, so a month without data
-- still shows which measures were in force (and which have an unknown status) after the
-- newest figure.
spine as (
    select
        bounds.series_id,
        bounds.product_group,
        bounds.partner_iso3,
        cast(
            unnest(
                generate_series(
                    bounds.first_month,
                    greatest(bounds.last_month, date_trunc('month', current_date)),
                    interval 1 month
                )
            )
            as date
        ) as period_month
    from bounds
),

-- The later months of a combined release (February of a January-February figure) are not
-- rows of their own: the release stays combined.
months_inside_combined_releases as (
    select
        series_id,
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
            inside.series_id = spine.series_id
            and inside.partner_iso3 = spine.partner_iso3
            and inside.period_month = spine.period_month
    )
),

-- A measure's state is read at the end of the month: in force if effective by then and
-- neither lifted nor inside a suspension window at that date. From status_unknown_from on
-- (a suspension ran out and nothing records what followed) its state is unknown: neither
-- in force nor suspended. Measures aimed at one partner apply to that partner and to the
-- world total it is part of; an event naming no product group (a listing of entities)
-- applies to every group.
event_dates as (
    select
        series_months.period_month,
        series_months.series_id,
        series_months.product_group,
        series_months.partner_iso3,
        last_day(series_months.period_month) as month_end,
        events.*
    from series_months
    inner join events
        on
            (
                len(events.product_groups) = 0
                or list_contains(events.product_groups, series_months.product_group)
            )
            and (
                len(events.targets) = 0
                or list_contains(events.targets, 'ALL')
                or list_contains(events.targets, series_months.partner_iso3)
                or series_months.partner_iso3 = 'WLD'
            )
),

event_states as (
    select
        period_month,
        series_id,
        partner_iso3,
        event_id,
        event_type,
        is_measure,
        coalesce(status_unknown_from <= month_end, false) as is_status_unknown,
        coalesce(
            suspended_date <= month_end
            and coalesce(suspension_end_date > month_end, true),
            false
        ) as is_in_suspension,
        is_measure
        and effective_date <= month_end
        and coalesce(lifted_date > month_end, true) as is_effective,
        coalesce(
            date_trunc('month', announced_date) = period_month
            or date_trunc('month', effective_date) = period_month
            or date_trunc('month', suspended_date) = period_month
            or date_trunc('month', suspension_end_date) = period_month
            or date_trunc('month', lifted_date) = period_month,
            false
        ) as happened_in_month
    from event_dates
),

annotations as (
    select
        period_month,
        series_id,
        partner_iso3,
        list_sort(
            list(event_id) filter (
                where is_effective and not is_in_suspension and not is_status_unknown
            )
        ) as measures_in_force,
        list_sort(list(event_id) filter (where happened_in_month)) as events_in_month,
        list_sort(list(event_id) filter (where is_status_unknown)) as events_status_unknown,
        bool_or(
            is_effective and not is_in_suspension and not is_status_unknown
            and event_type = 'export_control'
        ) as has_licensing_in_force,
        bool_or(is_effective and not is_in_suspension and not is_status_unknown)
            as has_measure_in_force,
        bool_or(is_measure and is_in_suspension and not is_status_unknown)
            as has_suspended_measure
    from event_states
    group by period_month, series_id, partner_iso3
),

final as (
    select
        cast(series_months.period_month as date) as period_month,
        cast(series_months.product_group as varchar) as product_group,
        cast(series_months.series_id as varchar) as series_id,
        cast(series_months.partner_iso3 as varchar) as partner_iso3,
        cast(group_series.quantity_t as double) as quantity_t,
        cast(group_series.value_usd as double) as value_usd,
        cast(coalesce(group_series.months_covered, 1) as integer) as months_covered,
        coalesce(group_series.months_covered > 1, false) as is_combined_release,
        cast(group_series.product_code as varchar) as product_codes,
        cast(group_series.source as varchar) as source,
        cast(group_series.source_ref as varchar) as source_ref,
        cast(coalesce(annotations.measures_in_force, []) as varchar[]) as measures_in_force,
        cast(coalesce(annotations.events_in_month, []) as varchar[]) as events_in_month,
        cast(coalesce(annotations.events_status_unknown, []) as varchar[])
            as events_status_unknown,
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
            and series_months.series_id = group_series.series_id
            and series_months.partner_iso3 = group_series.partner_iso3
    left join annotations
        on
            series_months.period_month = annotations.period_month
            and series_months.series_id = annotations.series_id
            and series_months.partner_iso3 = annotations.partner_iso3
)

select * from final
