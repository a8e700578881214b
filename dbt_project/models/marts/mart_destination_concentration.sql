-- How concentrated each series' destinations are, month by month: the number of partner
-- countries and the Herfindahl-Hirschman index (HHI) of their shares. Countries only: the
-- world total and partner groups (the EU) would count the same tonnes twice.
--
-- The press often reports a handful of partners, and one reported partner alone would make
-- an HHI of 1 that says nothing. So the HHI is given only where the reported countries stand
-- for the whole (seed impact_thresholds): they add up to at least min_world_coverage_pct of
-- the world figure, or, with no world figure (Comtrade's partner table), there are at least
-- min_partners_without_world of them. hhi_of_reported_countries is always there, with
-- hhi_basis saying what it stands for.
with

annotated as (
    select * from {{ ref('mart_policy_annotated_series') }}
),

partners as (
    select * from {{ ref('dim_partner') }}
),

thresholds as (
    select * from {{ ref('impact_thresholds') }}
),

settings as (
    select
        max(value) filter (where threshold = 'min_world_coverage_pct') as min_world_coverage_pct,
        max(value) filter (
            where threshold = 'min_partners_without_world'
        ) as min_partners_without_world
    from thresholds
    where applies_to = 'mart_destination_concentration'
),

figures as (
    select * from annotated
    where quantity_t is not null
),

countries as (
    select figures.*
    from figures
    inner join partners
        on figures.partner_iso3 = partners.partner_iso3
    where partners.partner_type = 'country'
),

-- Shares of the reported countries' sum, for months with the same coverage (a combined
-- January-February figure is compared only with figures of the same two months).
country_shares as (
    select
        *,
        quantity_t / nullif(sum(quantity_t) over (
            partition by series_id, period_month, months_covered
        ), 0) as share_of_reported
    from countries
),

by_month as (
    select
        series_id,
        any_value(product_group) as product_group,
        period_month,
        months_covered,
        count(*) as partners_reported,
        count(*) filter (where quantity_t > 0) as partners_with_exports,
        sum(quantity_t) as reported_countries_t,
        sum(share_of_reported * share_of_reported) as hhi_of_reported_countries,
        -- ties (two partners at 5,000 kg) go to the first code, so a rebuild names the same
        first(partner_iso3 order by quantity_t desc, partner_iso3 asc) as largest_partner_iso3,
        max(share_of_reported) * 100 as largest_share_of_reported_pct
    from country_shares
    group by series_id, period_month, months_covered
),

-- Every month with any figure, a month with only a world figure included (no countries).
series_months as (
    select distinct
        series_id,
        product_group,
        period_month,
        months_covered
    from figures
),

world as (
    select
        series_id,
        period_month,
        months_covered,
        quantity_t as world_quantity_t
    from figures
    where partner_iso3 = 'WLD'
),

measured as (
    select
        series_months.*,
        coalesce(by_month.partners_reported, 0) as partners_reported,
        coalesce(by_month.partners_with_exports, 0) as partners_with_exports,
        by_month.reported_countries_t,
        world.world_quantity_t,
        round(by_month.reported_countries_t / nullif(world.world_quantity_t, 0) * 100, 2)
            as reported_share_of_world_pct,
        by_month.hhi_of_reported_countries,
        by_month.largest_partner_iso3,
        round(by_month.largest_share_of_reported_pct, 2) as largest_share_of_reported_pct,
        settings.min_world_coverage_pct,
        settings.min_partners_without_world
    from series_months
    cross join settings
    left join by_month
        on
            series_months.series_id = by_month.series_id
            and series_months.period_month = by_month.period_month
            and series_months.months_covered = by_month.months_covered
    left join world
        on
            series_months.series_id = world.series_id
            and series_months.period_month = world.period_month
            and series_months.months_covered = world.months_covered
),

based as (
    select
        *,
        case
            when partners_reported = 0 then 'no_partner_figures'
            when coalesce(reported_countries_t, 0) = 0 then 'no_exports'
            when world_quantity_t > 0
                then
                    case
                        when reported_share_of_world_pct >= min_world_coverage_pct
                            then 'world_covered'
                        else 'partial'
                    end
            when partners_reported >= min_partners_without_world then 'partners_only'
            else 'too_few_partners'
        end as hhi_basis
    from measured
),

-- Rounded to the gram and 0.01%: sums of floats in another order differ in their last
-- bits, and a rebuild from the same data must publish the same numbers.
final as (
    select
        cast(series_id as varchar) as series_id,
        cast(product_group as varchar) as product_group,
        cast(period_month as date) as period_month,
        cast(months_covered as integer) as months_covered,
        cast(partners_reported as integer) as partners_reported,
        cast(partners_with_exports as integer) as partners_with_exports,
        cast(round(reported_countries_t, 6) as double) as reported_countries_t,
        cast(round(world_quantity_t, 6) as double) as world_quantity_t,
        cast(round(reported_share_of_world_pct, 2) as double) as reported_share_of_world_pct,
        cast(
            case
                when hhi_basis in ('world_covered', 'partners_only')
                    then round(hhi_of_reported_countries, 4)
            end as double
        ) as hhi,
        cast(round(hhi_of_reported_countries, 4) as double) as hhi_of_reported_countries,
        cast(hhi_basis as varchar) as hhi_basis,
        cast(largest_partner_iso3 as varchar) as largest_partner_iso3,
        cast(round(largest_share_of_reported_pct, 2) as double) as largest_share_of_reported_pct
    from based
)

select * from final
