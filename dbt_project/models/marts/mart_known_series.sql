with

exports as (
    select * from {{ ref('fct_monthly_exports') }}
),

reported_figures as (
    select * from {{ ref('fct_reported_figures') }}
    where is_selected and quantity_t is not null
),

comtrade as (
    select * from {{ ref('stg_comtrade__records') }}
),

hs6_products as (
    select product_code from {{ ref('products') }}
    where code_level = 'hs6'
),

precedence as (
    select * from {{ ref('source_precedence') }}
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

-- Comtrade's annual records of China's exports (totals only, as the fact's monthly
-- Comtrade rows): 12-month periods from January, the latest landed file per grain.
comtrade_years as (
    select
        comtrade.product_code as series_code,
        'customs' as series_kind,
        comtrade.partner_iso3,
        comtrade.period_month as period_start_month,
        cast(comtrade.period_month + to_months(comtrade.months_covered - 1) as date)
            as period_end_month,
        sum(comtrade.quantity_t) as quantity_t,
        'comtrade' as source,
        comtrade.source_file as source_ref
    from comtrade
    inner join hs6_products
        on comtrade.product_code = hs6_products.product_code
    where
        comtrade.months_covered = 12
        and comtrade.reporter_code = 156
        and comtrade.flow_code = 'X'
        and comtrade.partner2_code = 0
        and comtrade.mot_code = 0
        and comtrade.customs_code = 'C00'
        and comtrade.partner_iso3 is not null
    group by
        comtrade.product_code,
        comtrade.partner_iso3,
        comtrade.period_month,
        comtrade.months_covered,
        comtrade.source_file,
        comtrade.loaded_at
    qualify row_number() over (
        partition by comtrade.product_code, comtrade.partner_iso3, comtrade.period_month
        order by comtrade.loaded_at desc, comtrade.source_file desc
    ) = 1
),

-- A year both published and in Comtrade keeps the source of better precedence, as the fact
-- does for months.
periods as (
    select candidates.*
    from (
        select * from cumulative
        union all
        select * from comtrade_years
    ) as candidates
    inner join precedence
        on candidates.source = precedence.source
    qualify row_number() over (
        partition by
            candidates.series_code,
            candidates.partner_iso3,
            candidates.period_start_month,
            candidates.period_end_month
        order by precedence.precedence
    ) = 1
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
    select * from periods
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
