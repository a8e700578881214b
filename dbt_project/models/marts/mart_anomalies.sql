-- Moves an analyst should look at, per series, partner and month, each with the measures in
-- force: month-on-month and year-on-year changes beyond the thresholds of seed
-- impact_thresholds, the first zero after non-zero figures, the return from zero, and record
-- highs. Warning tests on this mart make each kind a warning-level asset check in Dagster.
--
-- Month-on-month compares calendar neighbours only (a month after a gap or after a combined
-- January-February release has none); year-on-year compares releases covering the same
-- months; zeros and returns compare with the previous reported figure, however far back;
-- a record compares monthly levels (a combined release counts as half per month) with every
-- earlier figure of the same series and partner once enough of them exist.
with

annotated as (
    select * from {{ ref('mart_policy_annotated_series') }}
),

thresholds as (
    select * from {{ ref('impact_thresholds') }}
),

settings as (
    select
        max(value) filter (where threshold = 'mom_move_pct') as mom_move_pct,
        max(value) filter (where threshold = 'yoy_move_pct') as yoy_move_pct,
        max(value) filter (
            where threshold = 'min_prior_figures_for_record'
        ) as min_prior_figures_for_record
    from thresholds
    where applies_to = 'mart_anomalies'
),

spine as (
    select
        *,
        lag(quantity_t) over by_month as previous_month_t,
        lag(period_month) over by_month as previous_row_month,
        lag(months_covered) over by_month as previous_months_covered
    from annotated
    window by_month as (partition by series_id, partner_iso3 order by period_month)
),

figures as (
    select
        *,
        lag(quantity_t) over by_figure as previous_reported_t,
        lag(period_month) over by_figure as previous_reported_month,
        max(quantity_t / months_covered) over earlier as earlier_record_monthly_t,
        arg_max(period_month, quantity_t / months_covered) over earlier as earlier_record_month,
        count(*) over earlier as earlier_figures
    from annotated
    where quantity_t is not null
    window
        by_figure as (partition by series_id, partner_iso3 order by period_month),
        earlier as (
            partition by series_id, partner_iso3 order by period_month
            rows between unbounded preceding and 1 preceding
        )
),

month_on_month as (
    select
        spine.*,
        'mom_move' as anomaly_kind,
        spine.previous_row_month as compared_period_month,
        spine.previous_month_t as compared_quantity_t,
        round((spine.quantity_t - spine.previous_month_t) / spine.previous_month_t * 100, 1)
            as change_pct,
        settings.mom_move_pct as threshold_pct
    from spine
    cross join settings
    where
        spine.quantity_t is not null
        and spine.previous_month_t > 0
        and spine.months_covered = 1
        and spine.previous_months_covered = 1
        and spine.previous_row_month = spine.period_month - interval 1 month
        and abs(spine.quantity_t - spine.previous_month_t) / spine.previous_month_t * 100
        >= settings.mom_move_pct
),

year_on_year as (
    select
        annotated.*,
        'yoy_move' as anomaly_kind,
        year_before.period_month as compared_period_month,
        year_before.quantity_t as compared_quantity_t,
        round((annotated.quantity_t - year_before.quantity_t) / year_before.quantity_t * 100, 1)
            as change_pct,
        settings.yoy_move_pct as threshold_pct
    from annotated
    inner join annotated as year_before
        on
            annotated.series_id = year_before.series_id
            and annotated.partner_iso3 = year_before.partner_iso3
            and annotated.months_covered = year_before.months_covered
            and year_before.period_month = annotated.period_month - interval 12 month
    cross join settings
    where
        annotated.quantity_t is not null
        and year_before.quantity_t > 0
        and abs(annotated.quantity_t - year_before.quantity_t) / year_before.quantity_t * 100
        >= settings.yoy_move_pct
),

zeros_and_returns as (
    select
        *,
        case when quantity_t = 0 then 'first_zero' else 'return_from_zero' end as anomaly_kind,
        previous_reported_month as compared_period_month,
        previous_reported_t as compared_quantity_t,
        cast(null as double) as change_pct,
        cast(null as double) as threshold_pct
    from figures
    where
        (quantity_t = 0 and previous_reported_t > 0)
        or (quantity_t > 0 and previous_reported_t = 0)
),

record_highs as (
    select
        figures.*,
        'record_high' as anomaly_kind,
        figures.earlier_record_month as compared_period_month,
        figures.earlier_record_monthly_t as compared_quantity_t,
        round(
            (figures.quantity_t / figures.months_covered - figures.earlier_record_monthly_t)
            / nullif(figures.earlier_record_monthly_t, 0) * 100,
            1
        ) as change_pct,
        cast(null as double) as threshold_pct
    from figures
    cross join settings
    where
        figures.earlier_figures >= settings.min_prior_figures_for_record
        and figures.quantity_t / figures.months_covered > figures.earlier_record_monthly_t
),

anomalies as (
    select
        period_month,
        series_id,
        product_group,
        partner_iso3,
        anomaly_kind,
        quantity_t,
        months_covered,
        compared_period_month,
        compared_quantity_t,
        change_pct,
        threshold_pct,
        measures_in_force,
        events_in_month,
        source_ref
    from month_on_month
    union all
    select
        period_month,
        series_id,
        product_group,
        partner_iso3,
        anomaly_kind,
        quantity_t,
        months_covered,
        compared_period_month,
        compared_quantity_t,
        change_pct,
        threshold_pct,
        measures_in_force,
        events_in_month,
        source_ref
    from year_on_year
    union all
    select
        period_month,
        series_id,
        product_group,
        partner_iso3,
        anomaly_kind,
        quantity_t,
        months_covered,
        compared_period_month,
        compared_quantity_t,
        change_pct,
        threshold_pct,
        measures_in_force,
        events_in_month,
        source_ref
    from zeros_and_returns
    union all
    select
        period_month,
        series_id,
        product_group,
        partner_iso3,
        anomaly_kind,
        quantity_t,
        months_covered,
        compared_period_month,
        compared_quantity_t,
        change_pct,
        threshold_pct,
        measures_in_force,
        events_in_month,
        source_ref
    from record_highs
),

final as (
    select
        cast(period_month as date) as period_month,
        cast(series_id as varchar) as series_id,
        cast(product_group as varchar) as product_group,
        cast(partner_iso3 as varchar) as partner_iso3,
        cast(anomaly_kind as varchar) as anomaly_kind,
        cast(quantity_t as double) as quantity_t,
        cast(months_covered as integer) as months_covered,
        cast(compared_period_month as date) as compared_period_month,
        cast(compared_quantity_t as double) as compared_quantity_t,
        cast(change_pct as double) as change_pct,
        cast(threshold_pct as double) as threshold_pct,
        cast(measures_in_force as varchar[]) as measures_in_force,
        cast(events_in_month as varchar[]) as events_in_month,
        cast(source_ref as varchar) as source_ref,
        cast(
            series_id || ' to ' || partner_iso3 || ', ' || strftime(period_month, '%Y-%m')
            || ': ' || anomaly_kind || ', ' || quantity_t || ' t against '
            || compared_quantity_t || ' t in ' || strftime(compared_period_month, '%Y-%m')
            || coalesce(' (' || change_pct || '%)', '')
            || case
                when len(measures_in_force) > 0
                    then '; in force: ' || array_to_string(measures_in_force, ', ')
                else '; no measure in force'
            end as varchar
        ) as description
    from anomalies
)

select * from final
