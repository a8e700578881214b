with

published as (
    select * from {{ ref('int_reported_figures_monthly') }}
),

preliminary as (
    select * from {{ ref('stg_gacc__preliminary_table') }}
),

preliminary_commodities as (
    select * from {{ ref('gacc_preliminary_commodities') }}
),

comtrade as (
    select * from {{ ref('stg_comtrade__records') }}
),

hs6_products as (
    select product_code from {{ ref('products') }}
    where code_level = 'hs6'
),

-- Each landed file is a release ("vintage") of the grains it holds, dated by when it landed.
published_vintages as (
    select
        period_month,
        months_covered,
        series_id as product_code,
        partner_iso3,
        'published_figures' as source,
        quantity_t,
        cast(null as double) as value_usd,
        source_ref,
        loaded_at as vintage_at
    from published
),

gacc_detailed_vintages as (
    select * from {{ ref('int_gacc_detailed_vintages') }}
),

-- GACC has no February release: a February table's month column is January-February
-- combined, kept as one release dated January.
gacc_preliminary_vintages as (
    select
        case
            when month(preliminary.period_month) = 2
                then cast(preliminary.period_month - interval 1 month as date)
            else preliminary.period_month
        end as period_month,
        case when month(preliminary.period_month) = 2 then 2 else 1 end as months_covered,
        preliminary_commodities.product_code,
        'WLD' as partner_iso3,
        'gacc_preliminary' as source,
        preliminary.month_quantity_t as quantity_t,
        preliminary.month_value_usd as value_usd,
        preliminary.source_file as source_ref,
        preliminary.loaded_at as vintage_at
    from preliminary
    inner join preliminary_commodities
        on preliminary.commodity_name = preliminary_commodities.commodity_name
    where preliminary.month_quantity_t is not null
),

-- China as reporter, exports, totals only (no breakdown by second partner, transport mode
-- or customs procedure, which would count the same goods twice); monthly records only:
-- an annual record is a 12-month period (mart_known_series), never a month of the fact. A
-- grain with a record that reports no weight is left out: its tonnage would be a partial
-- sum, or a null that would pass for a revision of an earlier release. Tables made by others
-- name their release in source_ref; Comtrade's own files are their own reference.
comtrade_vintages as (
    select
        comtrade.period_month,
        1 as months_covered,
        comtrade.product_code,
        comtrade.partner_iso3,
        'comtrade' as source,
        sum(comtrade.quantity_t) as quantity_t,
        sum(comtrade.fob_value_usd) as value_usd,
        coalesce(comtrade.source_ref, comtrade.source_file) as source_ref,
        comtrade.loaded_at as vintage_at
    from comtrade
    inner join hs6_products
        on comtrade.product_code = hs6_products.product_code
    where
        comtrade.reporter_code = 156
        and comtrade.flow_code = 'X'
        and comtrade.partner2_code = 0
        and comtrade.mot_code = 0
        and comtrade.customs_code = 'C00'
        and comtrade.partner_iso3 is not null
        and comtrade.months_covered = 1
    group by
        comtrade.period_month,
        comtrade.product_code,
        comtrade.partner_iso3,
        comtrade.source_file,
        comtrade.source_ref,
        comtrade.loaded_at
    having count(comtrade.quantity_t) = count(*)
),

all_vintages as (
    select * from published_vintages
    union all
    select * from gacc_detailed_vintages
    union all
    select * from gacc_preliminary_vintages
    union all
    select * from comtrade_vintages
),

-- A release that repeats the figure of the release before it is not a revision: keep only
-- releases that change the figure (as a dbt snapshot with the check strategy would).
final as (
    select *
    from all_vintages
    qualify
        lag(quantity_t) over (
            partition by period_month, months_covered, product_code, partner_iso3, source
            order by vintage_at, source_ref
        ) is distinct from quantity_t
)

select * from final
