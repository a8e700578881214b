with

exports as (
    select * from {{ ref('fct_monthly_exports') }}
),

comtrade as (
    select * from {{ ref('stg_comtrade__records') }}
),

-- Partners' imports from China as they report them (the mirror of China's exports), latest
-- landed file per grain, totals only.
mirror as (
    select
        period_month,
        product_code,
        reporter_iso3 as partner_iso3,
        sum(quantity_t) as partner_reported_t,
        sum(cif_value_usd) as partner_reported_value_usd
    from comtrade
    where
        partner_code = 156
        and flow_code = 'M'
        and partner2_code = 0
        and mot_code = 0
        and customs_code = 'C00'
        and months_covered = 1
    group by period_month, product_code, reporter_iso3, source_file, loaded_at
    qualify row_number() over (
        partition by period_month, product_code, reporter_iso3
        order by loaded_at desc, source_file desc
    ) = 1
),

final as (
    select
        cast(mirror.period_month as date) as period_month,
        cast(mirror.product_code as varchar) as product_code,
        cast(mirror.partner_iso3 as varchar) as partner_iso3,
        cast(exports.quantity_t as double) as china_reported_t,
        cast(exports.source as varchar) as china_source,
        cast(mirror.partner_reported_t as double) as partner_reported_t,
        cast(mirror.partner_reported_value_usd as double) as partner_reported_value_usd,
        cast(
            round(
                (mirror.partner_reported_t - exports.quantity_t)
                / nullif(exports.quantity_t, 0) * 100,
                2
            ) as double
        ) as gap_pct
    from mirror
    left join exports
        on
            mirror.period_month = exports.period_month
            and exports.months_covered = 1
            and mirror.product_code = exports.product_code
            and mirror.partner_iso3 = exports.partner_iso3
)

select * from final
