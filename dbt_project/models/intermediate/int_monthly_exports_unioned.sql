with

published as (
    select * from {{ ref('int_published_figures_latest') }}
),

gacc as (
    select * from {{ ref('int_gacc_exports_partnered') }}
),

-- Cumulative and annual figures are not monthly series; they stay in staging.
published_monthly as (
    select
        period_start_month as period_month,
        months_covered,
        product_code,
        partner_iso3,
        quantity_t,
        cast(null as double) as value_usd,
        'published_figures' as source,
        source_url as source_ref
    from published
    where period_kind in ('month', 'combined_jan_feb')
),

-- Several files can hold the same month (e.g. one query per partner); a later download of
-- the same lines replaces an earlier one, so keep each file's lines only if it is the latest
-- file that holds that month, product line and partner.
gacc_latest_lines as (
    select *
    from gacc
    where partner_iso3 is not null
    qualify dense_rank() over (
        partition by period_month, commodity_code, partner_iso3
        order by loaded_at desc, source_file desc
    ) = 1
),

gacc_hs6 as (
    select
        period_month,
        1 as months_covered,
        hs6_code as product_code,
        partner_iso3,
        sum(quantity_t) as quantity_t,
        sum(value_usd) as value_usd,
        'gacc_detailed' as source,
        string_agg(distinct source_file, '; ' order by source_file) as source_ref
    from gacc_latest_lines
    group by period_month, hs6_code, partner_iso3
),

final as (
    select * from published_monthly
    union all
    select * from gacc_hs6
)

select * from final
