-- What each policy event did to the flows: for every event, series and partner scope, the
-- mean monthly tonnes in windows before the announcement, before and after the effect and
-- before and after a suspension (seed impact_windows), each 1, 3, 6 and 12 months long
-- (seed impact_window_lengths), compared with the window before it and with the same months
-- a year earlier. A verdict is given only where both compared windows have figures for at
-- least two thirds of their months (seed impact_thresholds); otherwise no_verdict_reason says
-- which window lacks figures and how many months it has.
--
-- Combined January-February releases count as two months: their figure is spread evenly
-- over January and February (half each), so a window holding February uses half of the
-- combined figure and counts February as a month with data. Means are over the months with
-- a figure (a reported zero counts; a month nobody reported does not).
with

annotated as (
    select * from {{ ref('mart_policy_annotated_series') }}
),

events as (
    select * from {{ ref('dim_policy_event') }}
),

partners as (
    select * from {{ ref('dim_partner') }}
),

windows as (
    select * from {{ ref('impact_windows') }}
),

window_lengths as (
    select * from {{ ref('impact_window_lengths') }}
),

thresholds as (
    select * from {{ ref('impact_thresholds') }}
),

settings as (
    select
        max(value) filter (where threshold = 'min_coverage_share') as min_coverage_share,
        max(value) filter (where threshold = 'fall_pct') as fall_pct,
        max(value) filter (where threshold = 'rise_pct') as rise_pct,
        max(value) filter (where threshold = 'top_other_partners') as top_other_partners
    from thresholds
    where applies_to = 'mart_policy_impact'
),

-- One row per calendar month with a figure; a combined release becomes two half months.
combined_offsets as (
    select
        series_id,
        partner_iso3,
        period_month,
        quantity_t,
        months_covered,
        unnest(range(months_covered)) as month_offset
    from annotated
    where quantity_t is not null
),

monthly as (
    select
        series_id,
        partner_iso3,
        cast(period_month + to_months(month_offset) as date) as period_month,
        quantity_t / months_covered as quantity_t
    from combined_offsets
),

series_catalog as (
    select
        series_id,
        any_value(product_group) as product_group
    from annotated
    group by series_id
),

-- Every event (measures and the suspensions, talks and facilitation around them) against
-- every series of its product groups; an event naming no group (a listing) concerns all.
event_series as (
    select
        events.event_id,
        events.event_type,
        events.is_measure,
        events.targets,
        events.announced_date,
        events.effective_date,
        events.suspended_date,
        series_catalog.series_id,
        series_catalog.product_group
    from events
    inner join series_catalog
        on
            len(events.product_groups) = 0
            or list_contains(events.product_groups, series_catalog.product_group)
),

-- The partners the event names ('ALL' is no partner: such a measure is read on the world).
targets as (
    select
        event_id,
        series_id,
        unnest(list_filter(targets, lambda target: target <> 'ALL')) as partner_iso3
    from event_series
),

partner_totals as (
    select
        annotated.series_id,
        annotated.partner_iso3,
        sum(annotated.quantity_t) as total_t
    from annotated
    inner join partners
        on annotated.partner_iso3 = partners.partner_iso3
    where partners.partner_type = 'country' and annotated.quantity_t is not null
    group by annotated.series_id, annotated.partner_iso3
),

-- The series' largest partner countries over its whole run that the event does not name.
top_others as (
    select
        event_series.event_id,
        event_series.series_id,
        partner_totals.partner_iso3
    from event_series
    inner join partner_totals
        on event_series.series_id = partner_totals.series_id
    cross join settings
    where not list_contains(event_series.targets, partner_totals.partner_iso3)
    qualify row_number() over (
        partition by event_series.event_id, event_series.series_id
        order by partner_totals.total_t desc, partner_totals.partner_iso3 asc
    ) <= settings.top_other_partners
),

scopes as (
    select
        event_id,
        series_id,
        'WLD' as partner_iso3,
        'world' as partner_scope
    from event_series
    union all
    select
        event_id,
        series_id,
        partner_iso3,
        'target' as partner_scope
    from targets
    union all
    select
        event_id,
        series_id,
        partner_iso3,
        'top_partner' as partner_scope
    from top_others
),

-- A suspension window exists only for an event that was suspended.
window_anchors as (
    select
        event_series.event_id,
        event_series.event_type,
        event_series.is_measure,
        event_series.series_id,
        event_series.product_group,
        scopes.partner_iso3,
        scopes.partner_scope,
        windows.window_name,
        windows.anchor,
        windows.side,
        windows.baseline_window_name,
        window_lengths.window_months,
        cast(
            date_trunc(
                'month',
                case windows.anchor
                    when 'announced' then event_series.announced_date
                    when 'effective' then event_series.effective_date
                    when 'suspended' then event_series.suspended_date
                end
            ) as date
        ) as anchor_month
    from event_series
    inner join scopes
        on
            event_series.event_id = scopes.event_id
            and event_series.series_id = scopes.series_id
    cross join windows
    cross join window_lengths
    where windows.anchor <> 'suspended' or event_series.suspended_date is not null
),

-- "Before" = the N months ending with the month before the anchor month; "after" = the N
-- months starting with the anchor month.
window_spans as (
    select
        *,
        cast(
            case
                when side = 'before' then anchor_month - to_months(window_months)
                else anchor_month
            end as date
        ) as first_month
    from window_anchors
),

window_ends as (
    select
        *,
        cast(first_month + to_months(window_months - 1) as date) as last_month
    from window_spans
),

-- Months of the window after the current month: no figure can exist for them yet.
window_bounds as (
    select
        *,
        greatest(
            0,
            datediff(
                'month',
                greatest(first_month - to_months(1), date_trunc('month', current_date)),
                last_month
            )
        ) as months_to_come
    from window_ends
),

-- The window's months, and the same calendar months one year earlier: the season the window
-- is compared with. One join over both spans; each aggregate keeps its own months.
window_stats as (
    select
        window_bounds.event_id,
        window_bounds.series_id,
        window_bounds.partner_iso3,
        window_bounds.window_name,
        window_bounds.window_months,
        window_bounds.first_month,
        window_bounds.last_month,
        avg(monthly.quantity_t) filter (
            where monthly.period_month >= window_bounds.first_month
        ) as mean_t,
        count(monthly.quantity_t) filter (
            where monthly.period_month >= window_bounds.first_month
        ) as months_with_data,
        avg(monthly.quantity_t) filter (
            where monthly.period_month <= window_bounds.last_month - to_months(12)
        ) as year_earlier_mean_t,
        count(monthly.quantity_t) filter (
            where monthly.period_month <= window_bounds.last_month - to_months(12)
        ) as year_earlier_months_with_data
    from window_bounds
    left join monthly
        on
            window_bounds.series_id = monthly.series_id
            and window_bounds.partner_iso3 = monthly.partner_iso3
            and monthly.period_month
            between window_bounds.first_month - to_months(12) and window_bounds.last_month
    group by all
),

-- Each window's coverage in words, for no_verdict_reason: its name, months, how many have a
-- figure, how many a verdict needs, and how many have not happened yet.
measured as (
    select
        window_bounds.*,
        window_stats.mean_t,
        window_stats.months_with_data,
        window_stats.year_earlier_mean_t,
        window_stats.year_earlier_months_with_data,
        cast(ceil(window_bounds.window_months * settings.min_coverage_share) as integer)
            as min_months_for_verdict,
        window_stats.months_with_data
        >= window_bounds.window_months * settings.min_coverage_share as has_coverage,
        window_bounds.window_name || ' window (' || strftime(window_bounds.first_month, '%Y-%m')
        || ' to ' || strftime(window_bounds.last_month, '%Y-%m') || ') has data for '
        || window_stats.months_with_data || ' of ' || window_bounds.window_months
        || ' months; a verdict needs '
        || cast(ceil(window_bounds.window_months * settings.min_coverage_share) as integer)
        || case
            when window_bounds.months_to_come > 0
                then
                    ' (' || window_bounds.months_to_come || ' of its months are still to come)'
            else ''
        end as coverage_text
    from window_bounds
    cross join settings
    inner join window_stats
        on
            window_bounds.event_id = window_stats.event_id
            and window_bounds.series_id = window_stats.series_id
            and window_bounds.partner_iso3 = window_stats.partner_iso3
            and window_bounds.window_name = window_stats.window_name
            and window_bounds.window_months = window_stats.window_months
),

compared as (
    select
        measured.*,
        baseline.first_month as baseline_first_month,
        baseline.last_month as baseline_last_month,
        baseline.anchor as baseline_anchor,
        baseline.mean_t as baseline_mean_t,
        baseline.months_with_data as baseline_months_with_data,
        baseline.has_coverage as baseline_has_coverage,
        baseline.coverage_text as baseline_coverage_text,
        settings.fall_pct,
        settings.rise_pct,
        coalesce(
            measured.year_earlier_months_with_data
            >= measured.window_months * settings.min_coverage_share
            and measured.year_earlier_mean_t > 0,
            false
        ) as is_seasonality_checked,
        round(
            (measured.mean_t - baseline.mean_t) / nullif(baseline.mean_t, 0) * 100, 1
        ) as change_vs_baseline_pct,
        round(
            (measured.mean_t - measured.year_earlier_mean_t)
            / nullif(measured.year_earlier_mean_t, 0) * 100,
            1
        ) as change_vs_year_earlier_pct
    from measured
    cross join settings
    left join measured as baseline
        on
            measured.event_id = baseline.event_id
            and measured.series_id = baseline.series_id
            and measured.partner_iso3 = baseline.partner_iso3
            and measured.window_months = baseline.window_months
            and measured.baseline_window_name = baseline.window_name
),

reasons as (
    select
        *,
        case
            when anchor_month is null then 'the event has no ' || anchor || ' date'
            when baseline_window_name is null
                then 'a baseline window: nothing before it is compared with it'
            when baseline_first_month is null
                then 'the event has no ' || baseline_anchor || ' date'
            when baseline_first_month = first_month
                then
                    'the window and ' || baseline_window_name || ' are the same months (the '
                    || baseline_anchor || ' and ' || anchor || ' months coincide)'
            when not (has_coverage and baseline_has_coverage)
                then concat_ws(
                    '; ',
                    case when not baseline_has_coverage then baseline_coverage_text end,
                    case when not has_coverage then coverage_text end
                )
        end as no_verdict_reason
    from compared
),

-- fell / rose beyond the thresholds; seasonal when the same months a year earlier show no
-- move of that size (the change only looks like one against the window before); a window
-- whose baseline is zero rose if anything moved at all.
verdicts as (
    select
        *,
        case
            when no_verdict_reason is not null then null
            when baseline_mean_t = 0 and mean_t = 0 then 'no_clear_change'
            when baseline_mean_t = 0 then 'rose'
            when change_vs_baseline_pct <= fall_pct
                then
                    case
                        when is_seasonality_checked and change_vs_year_earlier_pct > fall_pct
                            then 'seasonal'
                        else 'fell'
                    end
            when change_vs_baseline_pct >= rise_pct
                then
                    case
                        when is_seasonality_checked and change_vs_year_earlier_pct < rise_pct
                            then 'seasonal'
                        else 'rose'
                    end
            else 'no_clear_change'
        end as verdict
    from reasons
),

-- Means to the gram and changes to 0.01%: sums of floats in another order differ in their
-- last bits, and a rebuild from the same data must publish the same numbers.
final as (
    select
        cast(event_id as varchar) as event_id,
        cast(event_type as varchar) as event_type,
        cast(is_measure as boolean) as is_measure,
        cast(series_id as varchar) as series_id,
        cast(product_group as varchar) as product_group,
        cast(partner_iso3 as varchar) as partner_iso3,
        cast(partner_scope as varchar) as partner_scope,
        cast(window_name as varchar) as window_name,
        cast(window_months as integer) as window_months,
        cast(anchor_month as date) as anchor_month,
        cast(first_month as date) as window_first_month,
        cast(last_month as date) as window_last_month,
        cast(round(mean_t, 6) as double) as mean_quantity_t,
        cast(months_with_data as integer) as months_with_data,
        cast(baseline_window_name as varchar) as baseline_window_name,
        cast(baseline_first_month as date) as baseline_first_month,
        cast(baseline_last_month as date) as baseline_last_month,
        cast(round(baseline_mean_t, 6) as double) as baseline_mean_quantity_t,
        cast(baseline_months_with_data as integer) as baseline_months_with_data,
        cast(round(change_vs_baseline_pct, 2) as double) as change_vs_baseline_pct,
        cast(round(year_earlier_mean_t, 6) as double) as year_earlier_mean_quantity_t,
        cast(year_earlier_months_with_data as integer) as year_earlier_months_with_data,
        cast(round(change_vs_year_earlier_pct, 2) as double) as change_vs_year_earlier_pct,
        cast(min_months_for_verdict as integer) as min_months_for_verdict,
        cast(is_seasonality_checked as boolean) as is_seasonality_checked,
        cast(verdict as varchar) as verdict,
        cast(no_verdict_reason as varchar) as no_verdict_reason
    from verdicts
)

select * from final
