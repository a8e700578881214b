with

exports as (
    select * from {{ ref('fct_monthly_exports') }}
),

reported_figures as (
    select * from {{ ref('fct_reported_figures') }}
    where is_selected and quantity_t is not null
),

monthly as (
    select
        product_code as series_code,
        'customs' as series_kind,
        partner_iso3,
        period_month as period_start_month,
        cast(period_month + to_months(months_covered - 1) as date) as period_end_month,
        quantity_t,
        source,
        source_ref
    from exports
),

-- Customs figures for longer periods as published (January to a month, quarters, halves,
-- years, spans); monthly figures are already in the fact.
cumulative as (
    select
        series_id as series_code,
        'customs' as series_kind,
        partner_iso3,
        period_start_month,
        period_end_month,
        quantity_t,
        'published_figures' as source,
        source_url as source_ref
    from reported_figures
    where
        series_kind = 'customs'
        and flow = 'export'
        and period_kind not in ('month', 'combined_jan_feb')
),

-- Press series that are not customs series (e.g. Bloomberg's "rare-earth products").
alternatives as (
    select
        series_id as series_code,
        'alternative' as series_kind,
        partner_iso3,
        period_start_month,
        period_end_month,
        quantity_t,
        series_name as source,
        source_url as source_ref
    from reported_figures
    where series_kind = 'press_aggregate'
),

all_series as (
    select * from monthly
    union all
    select * from cumulative
    union all
    select * from alternatives
),

-- Only a single month has a previous month. The right side of that join is cut to single
-- months beforehand, and the left side's condition goes into the join key (null, so never
-- matched, for longer periods): with equality conditions only, DuckDB hash-joins; a condition
-- on one side alone in the ON clause made it compare every row with every other row, which
-- took 14 s at 72,000 monthly rows.
single_months as (
    select * from all_series
    where period_start_month = period_end_month
),

final as (
    select
        all_series.series_code,
        all_series.series_kind,
        all_series.partner_iso3,
        all_series.period_start_month,
        all_series.period_end_month,
        all_series.quantity_t,
        previous_month.quantity_t as previous_month_quantity_t,
        previous_year.quantity_t as previous_year_quantity_t,
        all_series.source,
        all_series.source_ref
    from all_series
    left join single_months as previous_month
        on
            all_series.series_code = previous_month.series_code
            and all_series.partner_iso3 = previous_month.partner_iso3
            and previous_month.period_start_month = case
                when all_series.period_start_month = all_series.period_end_month
                    then cast(all_series.period_start_month - interval 1 month as date)
            end
    left join all_series as previous_year
        on
            all_series.series_code = previous_year.series_code
            and all_series.partner_iso3 = previous_year.partner_iso3
            and previous_year.period_start_month
            = cast(all_series.period_start_month - interval 12 month as date)
            and previous_year.period_end_month
            = cast(all_series.period_end_month - interval 12 month as date)
)

select * from final
