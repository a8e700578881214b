-- Where goods go when a measure is aimed at one partner: for each series and partner a
-- measure targets, the target's share of China's reported exports month by month, beside the
-- shares of the intermediary partners a named source says the goods pass through (seed
-- route_intermediaries: Belgium for gallium and germanium bound for the US). Where the
-- partner's own import statistics exist (mart_mirror_gap, matched on the product code the
-- month's figure comes from), its reported imports from China stand beside China's figure.
with

annotated as (
    select * from {{ ref('mart_policy_annotated_series') }}
),

events as (
    select * from {{ ref('dim_policy_event') }}
),

intermediaries as (
    select * from {{ ref('route_intermediaries') }}
),

mirror as (
    select * from {{ ref('mart_mirror_gap') }}
),

series_catalog as (
    select
        series_id,
        any_value(product_group) as product_group
    from annotated
    group by series_id
),

-- Measures aimed at named partners ('ALL' names none), against every series of their groups.
named_targets as (
    select
        event_id,
        product_groups,
        unnest(list_filter(targets, lambda target: target <> 'ALL')) as target_iso3
    from events
    where is_measure
),

targeted_measures as (
    select
        named_targets.event_id,
        named_targets.target_iso3,
        series_catalog.series_id,
        series_catalog.product_group
    from named_targets
    inner join series_catalog
        on
            len(named_targets.product_groups) = 0
            or list_contains(named_targets.product_groups, series_catalog.product_group)
),

targets as (
    select
        series_id,
        any_value(product_group) as product_group,
        target_iso3,
        list_sort(list(event_id)) as targeting_measures
    from targeted_measures
    group by series_id, target_iso3
),

route_partners as (
    select
        targets.*,
        targets.target_iso3 as partner_iso3,
        'target' as route_role,
        cast(null as varchar) as route_source_url,
        cast(null as varchar) as route_source_note,
        cast(null as boolean) as route_is_verified
    from targets
    union all
    select
        targets.*,
        intermediaries.intermediary_iso3 as partner_iso3,
        'intermediary' as route_role,
        intermediaries.source_url as route_source_url,
        intermediaries.source_note as route_source_note,
        intermediaries.is_verified as route_is_verified
    from targets
    inner join intermediaries
        on
            targets.series_id = intermediaries.series_id
            and targets.target_iso3 = intermediaries.target_iso3
),

-- Months the world, the target or the route partner has a row for (the annotated series'
-- months from their first figure to the current month).
route_months as (
    select distinct
        route_partners.*,
        annotated.period_month
    from route_partners
    inner join annotated
        on
            route_partners.series_id = annotated.series_id
            and annotated.partner_iso3 in (
                'WLD', route_partners.target_iso3, route_partners.partner_iso3
            )
),

joined as (
    select
        route_months.*,
        partner.quantity_t,
        partner.months_covered,
        partner.product_codes,
        partner.source_ref,
        world.quantity_t as world_quantity_t,
        target_figures.quantity_t as target_quantity_t,
        case
            when partner.months_covered = world.months_covered and world.quantity_t > 0
                then round(partner.quantity_t / world.quantity_t * 100, 2)
        end as share_of_world_pct,
        case
            when target_figures.months_covered = world.months_covered and world.quantity_t > 0
                then round(target_figures.quantity_t / world.quantity_t * 100, 2)
        end as target_share_of_world_pct,
        list_intersect(
            coalesce(world.measures_in_force, target_figures.measures_in_force, []),
            route_months.targeting_measures
        ) as measures_aimed_at_target_in_force
    from route_months
    left join annotated as partner
        on
            route_months.series_id = partner.series_id
            and route_months.partner_iso3 = partner.partner_iso3
            and route_months.period_month = partner.period_month
    left join annotated as world
        on
            route_months.series_id = world.series_id
            and world.partner_iso3 = 'WLD'
            and route_months.period_month = world.period_month
    left join annotated as target_figures
        on
            route_months.series_id = target_figures.series_id
            and route_months.target_iso3 = target_figures.partner_iso3
            and route_months.period_month = target_figures.period_month
),

final as (
    select
        cast(joined.period_month as date) as period_month,
        cast(joined.series_id as varchar) as series_id,
        cast(joined.product_group as varchar) as product_group,
        cast(joined.target_iso3 as varchar) as target_iso3,
        cast(joined.partner_iso3 as varchar) as partner_iso3,
        cast(joined.route_role as varchar) as route_role,
        cast(joined.quantity_t as double) as quantity_t,
        cast(coalesce(joined.months_covered, 1) as integer) as months_covered,
        cast(joined.world_quantity_t as double) as world_quantity_t,
        cast(joined.share_of_world_pct as double) as share_of_world_pct,
        cast(joined.target_quantity_t as double) as target_quantity_t,
        cast(joined.target_share_of_world_pct as double) as target_share_of_world_pct,
        cast(joined.targeting_measures as varchar[]) as targeting_measures,
        cast(list_sort(joined.measures_aimed_at_target_in_force) as varchar[])
            as measures_aimed_at_target_in_force,
        cast(joined.source_ref as varchar) as source_ref,
        cast(joined.route_source_url as varchar) as route_source_url,
        cast(joined.route_source_note as varchar) as route_source_note,
        cast(joined.route_is_verified as boolean) as route_is_verified,
        cast(mirror.partner_reported_t as double) as partner_reported_t,
        cast(mirror.gap_pct as double) as mirror_gap_pct
    from joined
    left join mirror
        on
            joined.period_month = mirror.period_month
            and joined.product_codes = mirror.product_code
            and joined.partner_iso3 = mirror.partner_iso3
)

select * from final
