with

figures as (
    select * from {{ ref('int_reported_figures_ranked') }}
    where quantity_t is not null
),

-- Two pages disagree when their figures for one series, partner and period differ by more
-- than the rounding of the less precise one (69,440 kg and 60,880 kg do; 5,773.6 t and
-- 5,774 t do not). An approximate figure ("about 6,100 t") is allowed 5% on top.
pairs as (
    select
        chosen.series_id,
        chosen.partner_iso3,
        chosen.period_start_month,
        chosen.period_end_month,
        chosen.period_kind,
        chosen.figure_id as chosen_figure_id,
        chosen.quantity_t as chosen_quantity_t,
        chosen.qualifier as chosen_qualifier,
        chosen.source_url as chosen_source_url,
        other.figure_id as other_figure_id,
        other.quantity_t as other_quantity_t,
        other.qualifier as other_qualifier,
        other.source_url as other_source_url,
        abs(chosen.quantity_t - other.quantity_t) as difference_t,
        greatest(chosen.rounding_t, other.rounding_t)
        + case
            when chosen.qualifier <> 'exact' or other.qualifier <> 'exact'
                then 0.05 * greatest(chosen.quantity_t, other.quantity_t)
            else 0
        end as tolerance_t
    from figures as chosen
    inner join figures as other
        on
            chosen.series_id = other.series_id
            and chosen.partner_iso3 = other.partner_iso3
            and chosen.period_start_month = other.period_start_month
            and chosen.period_end_month = other.period_end_month
            and other.rank_in_grain > 1
    where chosen.rank_in_grain = 1
),

final as (
    select
        cast(series_id as varchar) as series_id,
        cast(partner_iso3 as varchar) as partner_iso3,
        cast(period_start_month as date) as period_start_month,
        cast(period_end_month as date) as period_end_month,
        cast(period_kind as varchar) as period_kind,
        cast(chosen_figure_id as varchar) as chosen_figure_id,
        cast(chosen_quantity_t as double) as chosen_quantity_t,
        cast(chosen_qualifier as varchar) as chosen_qualifier,
        cast(chosen_source_url as varchar) as chosen_source_url,
        cast(other_figure_id as varchar) as other_figure_id,
        cast(other_quantity_t as double) as other_quantity_t,
        cast(other_qualifier as varchar) as other_qualifier,
        cast(other_source_url as varchar) as other_source_url,
        cast(difference_t as double) as difference_t,
        cast(
            case
                when chosen_quantity_t > 0
                    then round((other_quantity_t - chosen_quantity_t) / chosen_quantity_t * 100, 2)
            end as double
        ) as difference_pct
    from pairs
    where difference_t > tolerance_t
)

select * from final
