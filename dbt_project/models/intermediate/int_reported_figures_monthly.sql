with

ranked as (
    select * from {{ ref('int_reported_figures_ranked') }}
    where rank_in_grain = 1 and quantity_t is not null
),

series as (
    select * from {{ ref('reported_series') }}
),

-- Figures the page gave for one month, or for January and February together (GACC's
-- combined release).
reported as (
    select
        series_id,
        partner_iso3,
        period_start_month as period_month,
        months_covered,
        quantity_t,
        'reported' as figure_basis,
        source_url as source_ref,
        loaded_at
    from ranked
    where period_kind in ('month', 'combined_jan_feb')
),

-- "No shipments from October to February": zero over a span is zero in each of its months
-- (quantities cannot be negative). A month the span names but a page also reports keeps
-- the reported figure.
zero_span_months as (
    select
        series_id,
        partner_iso3,
        cast(
            unnest(generate_series(period_start_month, period_end_month, interval 1 month))
            as date
        ) as period_month,
        1 as months_covered,
        0.0 as quantity_t,
        'zero_over_span' as figure_basis,
        source_url as source_ref,
        loaded_at
    from ranked
    where quantity_t = 0 and period_kind not in ('month', 'combined_jan_feb')
),

-- Cumulative figures from January of one year.
cumulative as (
    select * from ranked
    where
        month(period_start_month) = 1
        and year(period_start_month) = year(period_end_month)
),

-- A month is derived only from two reported cumulative figures that end one month apart
-- (January to May minus January to April is May); it says so in figure_basis.
derived_months as (
    select
        later.series_id,
        later.partner_iso3,
        later.period_end_month as period_month,
        1 as months_covered,
        later.quantity_t - earlier.quantity_t as quantity_t,
        'derived_from_cumulative' as figure_basis,
        later.source_url || ' minus ' || earlier.source_url as source_ref,
        greatest(later.loaded_at, earlier.loaded_at) as loaded_at
    from cumulative as later
    inner join cumulative as earlier
        on
            later.series_id = earlier.series_id
            and later.partner_iso3 = earlier.partner_iso3
            and later.period_start_month = earlier.period_start_month
            and earlier.period_end_month = cast(later.period_end_month - interval 1 month as date)
    where
        later.qualifier = 'exact'
        and earlier.qualifier = 'exact'
        and later.quantity_t >= earlier.quantity_t
),

-- A single month covered by a combined January-February figure: when both January and
-- February are reported on their own, the months win and the combined figure is not a row.
single_months as (
    select
        series_id,
        partner_iso3,
        period_month
    from reported
    where months_covered = 1
),

combined_with_both_months as (
    select
        combined.series_id,
        combined.partner_iso3,
        combined.period_month
    from reported as combined
    inner join single_months as january
        on
            combined.series_id = january.series_id
            and combined.partner_iso3 = january.partner_iso3
            and combined.period_month = january.period_month
    inner join single_months as february
        on
            combined.series_id = february.series_id
            and combined.partner_iso3 = february.partner_iso3
            and february.period_month = cast(combined.period_month + interval 1 month as date)
    where combined.months_covered = 2
),

candidates as (
    select
        *,
        1 as basis_rank
    from reported
    where
        not exists (
            select 1 from combined_with_both_months as both_months
            where
                reported.months_covered = 2
                and both_months.series_id = reported.series_id
                and both_months.partner_iso3 = reported.partner_iso3
                and both_months.period_month = reported.period_month
        )
    union all
    select
        *,
        2 as basis_rank
    from zero_span_months
    union all
    select
        *,
        3 as basis_rank
    from derived_months
),

-- A month inside a combined January-February figure (February) gets no figure of its own
-- from a span or a derivation; the combined release stays one row dated January.
inside_combined as (
    select
        series_id,
        partner_iso3,
        cast(period_month + interval 1 month as date) as period_month
    from candidates
    where months_covered = 2
),

final as (
    select candidates.* exclude (candidates.basis_rank)
    from candidates
    inner join series
        on candidates.series_id = series.series_id
    where
        series.flow = 'export'
        and series.series_kind = 'customs'
        and not exists (
            select 1 from inside_combined
            where
                inside_combined.series_id = candidates.series_id
                and inside_combined.partner_iso3 = candidates.partner_iso3
                and inside_combined.period_month = candidates.period_month
        )
    qualify row_number() over (
        partition by candidates.series_id, candidates.partner_iso3, candidates.period_month
        order by candidates.basis_rank, candidates.months_covered, candidates.source_ref
    ) = 1
)

select * from final
