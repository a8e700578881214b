create or replace table marts.fct_monthly_exports_detail as
select
    lines.period_month,
    lines.commodity_code,
    left(lines.commodity_code, 6) as hs6_code,
    coalesce(products.product_name, lines.commodity_name) as product_name,
    products.product_group,
    products.product_code is not null as is_known_code,
    partners.partner_iso3,
    lines.partner_name as partner_name_zh,
    lines.trade_mode_code,
    lines.trade_mode_name as trade_mode_name_zh,
    lines.province_code,
    lines.province_name as province_name_zh,
    lines.quantity_1 * units.kg / 1000.0 as quantity_t,
    case when lines.value_currency = 'USD' then lines.value end as value_usd,
    case when lines.value_currency = 'CNY' then lines.value end as value_cny,
    lines._source_file as source_file,
    lines._row_number as source_row_number,
    lines._loaded_at as loaded_at
from raw.gacc_query_exports as lines
left join reference.kg_per_unit as units on lines.unit_1 = units.unit
left join reference.partner_names as partners on lines.partner_name = partners.partner_name_zh
left join reference.products as products on lines.commodity_code = products.product_code;

create or replace table marts.fct_monthly_exports as
with vintages as (
    select
        period_month, hs6_code as product_code, partner_iso3, source_file, loaded_at,
        sum(quantity_t) as quantity_t, sum(value_usd) as value_usd
    from marts.fct_monthly_exports_detail
    where partner_iso3 is not null
        and hs6_code in (select product_code from reference.products where code_level = 'hs6')
    group by all
),
latest as (
    select * from vintages
    qualify row_number() over (
        partition by period_month, product_code, partner_iso3
        order by loaded_at desc, source_file desc
    ) = 1
)
select
    latest.period_month,
    latest.product_code,
    products.product_name,
    products.product_group,
    latest.partner_iso3,
    latest.quantity_t,
    latest.value_usd,
    case when latest.quantity_t > 0
        then round(latest.value_usd / (latest.quantity_t * 1000), 4) end as unit_value_usd_per_kg,
    case when previous_month.quantity_t <> 0
        then round((latest.quantity_t - previous_month.quantity_t)
            / previous_month.quantity_t * 100, 1) end as mom_change_pct,
    case when previous_year.quantity_t <> 0
        then round((latest.quantity_t - previous_year.quantity_t)
            / previous_year.quantity_t * 100, 1) end as yoy_change_pct,
    'gacc_detailed' as source,
    latest.source_file as source_ref
from latest
left join latest as previous_month
    on latest.product_code = previous_month.product_code
    and latest.partner_iso3 = previous_month.partner_iso3
    and previous_month.period_month = latest.period_month - interval 1 month
left join latest as previous_year
    on latest.product_code = previous_year.product_code
    and latest.partner_iso3 = previous_year.partner_iso3
    and previous_year.period_month = latest.period_month - interval 12 month
left join reference.products as products on latest.product_code = products.product_code;
