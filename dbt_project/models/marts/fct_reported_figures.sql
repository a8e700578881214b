with

ranked as (
    select * from {{ ref('int_reported_figures_ranked') }}
),

series as (
    select * from {{ ref('dim_series') }}
),

final as (
    select
        cast(ranked.figure_id as varchar) as figure_id,
        cast(ranked.reference_id as varchar) as reference_id,
        cast(ranked.series_id as varchar) as series_id,
        series.series_name,
        series.product_group,
        series.flow,
        series.series_kind,
        cast(ranked.partner_iso3 as varchar) as partner_iso3,
        cast(ranked.period_start_month as date) as period_start_month,
        cast(ranked.period_end_month as date) as period_end_month,
        cast(ranked.months_covered as integer) as months_covered,
        cast(ranked.period_kind as varchar) as period_kind,
        cast(ranked.quantity_t as double) as quantity_t,
        cast(ranked.quantity_t * 1000 as double) as quantity_kg,
        cast(ranked.quantity_reported as double) as quantity_reported,
        cast(ranked.reported_unit as varchar) as reported_unit,
        cast(ranked.qualifier as varchar) as qualifier,
        cast(ranked.value_usd as double) as value_usd,
        cast(ranked.reported_change as varchar) as reported_change,
        cast(ranked.is_verified as boolean) as is_verified,
        ranked.rank_in_grain = 1 as is_selected,
        cast(ranked.figures_in_grain as integer) as figures_in_grain,
        cast(ranked.source_url as varchar) as source_url,
        cast(ranked.note as varchar) as note,
        cast(ranked.source_file as varchar) as source_file,
        cast(ranked.loaded_at as timestamp) as loaded_at
    from ranked
    left join series
        on ranked.series_id = series.series_id
)

select * from final
