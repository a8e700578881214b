with

figures as (
    select * from {{ ref('fct_reported_figures') }}
),

series as (
    select * from {{ ref('dim_series') }}
),

-- What the README's coverage table shows: per series, the span of its figures, how many
-- there are and the share two independent pages confirm.
coverage as (
    select
        series_id,
        min(period_start_month) as first_period_month,
        max(period_end_month) as last_period_month,
        count(*) as figures,
        count(*) filter (where is_verified) as verified_figures,
        count(distinct partner_iso3) filter (where partner_iso3 <> 'WLD') as partners
    from figures
    group by series_id
),

final as (
    select
        series.series_id,
        series.series_name,
        series.product_group,
        series.flow,
        series.series_kind,
        cast(coverage.first_period_month as date) as first_period_month,
        cast(coverage.last_period_month as date) as last_period_month,
        cast(coalesce(coverage.figures, 0) as integer) as figures,
        cast(coalesce(coverage.verified_figures, 0) as integer) as verified_figures,
        cast(
            case
                when coverage.figures > 0
                    then round(coverage.verified_figures / coverage.figures * 100, 1)
            end as double
        ) as verified_pct,
        cast(coalesce(coverage.partners, 0) as integer) as partners
    from series
    left join coverage
        on series.series_id = coverage.series_id
)

select * from final
