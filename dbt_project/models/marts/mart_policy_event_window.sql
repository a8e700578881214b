-- The event-study shape: each series indexed to the month before an event (= 100) from
-- twelve months before the event month to twelve after, for the world and every partner the
-- event names, wherever the series has a figure within those 25 months. The event month is
-- the effective month, or the announcement month for an event with no effective date.
-- Combined January-February releases are spread evenly over both months, as in
-- mart_policy_impact, so the index has a value for February too.
with

impact as (
    select * from {{ ref('mart_policy_impact') }}
),

events as (
    select * from {{ ref('dim_policy_event') }}
),

annotated as (
    select * from {{ ref('mart_policy_annotated_series') }}
),

-- The event, series and partner pairs mart_policy_impact measures, world and targets only
-- (its largest other partners are not what an event study of a targeted measure shows).
scopes as (
    select distinct
        event_id,
        series_id,
        product_group,
        partner_iso3,
        partner_scope
    from impact
    where partner_scope in ('world', 'target')
),

event_months as (
    select
        event_id,
        cast(date_trunc('month', coalesce(effective_date, announced_date)) as date)
            as event_month,
        case when effective_date is null then 'announced' else 'effective' end as anchor
    from events
    where coalesce(effective_date, announced_date) is not null
),

combined_offsets as (
    select
        series_id,
        partner_iso3,
        period_month as release_month,
        quantity_t,
        months_covered,
        source_ref,
        measures_in_force,
        unnest(range(months_covered)) as month_offset
    from annotated
    where quantity_t is not null
),

monthly as (
    select
        series_id,
        partner_iso3,
        cast(release_month + to_months(month_offset) as date) as period_month,
        quantity_t / months_covered as quantity_t,
        months_covered > 1 as is_from_combined_release,
        source_ref,
        -- Measures in force at the end of the release's first month: the mart has no row
        -- of its own for February of a combined release.
        measures_in_force
    from combined_offsets
),

offsets as (
    select unnest(range(-12, 13)) as relative_month
),

relative_months as (
    select
        scopes.*,
        event_months.event_month,
        event_months.anchor,
        offsets.relative_month,
        cast(event_months.event_month + to_months(offsets.relative_month) as date)
            as period_month
    from scopes
    inner join event_months
        on scopes.event_id = event_months.event_id
    cross join offsets
),

with_figures as (
    select
        relative_months.*,
        monthly.quantity_t,
        coalesce(monthly.is_from_combined_release, false) as is_from_combined_release,
        monthly.source_ref,
        monthly.measures_in_force
    from relative_months
    left join monthly
        on
            relative_months.series_id = monthly.series_id
            and relative_months.partner_iso3 = monthly.partner_iso3
            and relative_months.period_month = monthly.period_month
),

-- Only windows with at least one figure: a scope with no figure near the event has nothing
-- to draw.
indexed as (
    select
        *,
        max(quantity_t) filter (where relative_month = -1) over (
            partition by event_id, series_id, partner_iso3
        ) as base_quantity_t
    from with_figures
    qualify count(quantity_t) over (partition by event_id, series_id, partner_iso3) > 0
),

final as (
    select
        cast(event_id as varchar) as event_id,
        cast(series_id as varchar) as series_id,
        cast(product_group as varchar) as product_group,
        cast(partner_iso3 as varchar) as partner_iso3,
        cast(partner_scope as varchar) as partner_scope,
        cast(event_month as date) as event_month,
        cast(anchor as varchar) as anchor,
        cast(relative_month as integer) as relative_month,
        cast(period_month as date) as period_month,
        cast(quantity_t as double) as quantity_t,
        cast(is_from_combined_release as boolean) as is_from_combined_release,
        cast(base_quantity_t as double) as base_quantity_t,
        cast(round(quantity_t / nullif(base_quantity_t, 0) * 100, 1) as double) as index_pct,
        cast(source_ref as varchar) as source_ref,
        cast(measures_in_force as varchar[]) as measures_in_force
    from indexed
)

select * from final
