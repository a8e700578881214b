create or replace temp table incoming as
with numbered as (
    -- Each copy carries its line numbers (iconv piped into awk, as landing makes them), so
    -- no window numbers the scan.
    select *
    from read_csv(
        $paths, header = true, columns = {columns}, auto_detect = false, delim = ',',
        quote = '"', escape = '"', thousands = ',', dateformat = '%Y%m', filename = true,
        store_rejects = true
    )
),
parsed as (
    select
        filename,
        line as _row_number,
        数据年月 as period_month,
        replace(replace(trim(商品编码), '.', ''), ' ', '') as commodity_code,
        商品名称 as commodity_name,
        贸易伙伴编码 as partner_code,
        nullif(trim(贸易伙伴名称), '') as partner_name,
        贸易方式编码 as trade_mode_code,
        贸易方式名称 as trade_mode_name,
        注册地编码 as province_code,
        注册地名称 as province_name,
        第一数量 as quantity_1,
        trim(第一计量单位) as unit_1,
        第二数量 as quantity_2,
        第二计量单位 as unit_2,
        美元 as value,
        'USD' as value_currency
    from numbered
),
checked as (
    select
        parsed.*,
        case
            when period_month is null then '数据年月: is empty'
            when period_month < date '1990-01-01'
                or period_month > date_trunc('month', current_date)
                then '数据年月: before 1990 or in the future'
            when not regexp_full_match(commodity_code, '\d{{8}}(\d{{2}})?')
                then '商品编码: not an 8- or 10-digit commodity code'
            when partner_name is null then '贸易伙伴名称: is empty'
            when quantity_1 is null or quantity_1 < 0 then '第一数量: empty or negative'
            when units.kg is null then '第一计量单位: cannot be converted to tonnes'
            when quantity_2 < 0 then '第二数量: negative'
            when value < 0 then '美元: negative'
            when bounds.low is not null and value is not null and quantity_1 > 0
                and value / (quantity_1 * units.kg) not between bounds.low and bounds.high
                then '第一数量: implausible unit value'
        end as first_reason
    from parsed
    left join reference.kg_per_unit as units on parsed.unit_1 = units.unit
    left join reference.products as by_code on parsed.commodity_code = by_code.product_code
    left join reference.products as by_hs6 on left(parsed.commodity_code, 6) = by_hs6.product_code
    left join reference.unit_value_bounds as bounds
        on coalesce(by_code.product_group, by_hs6.product_group) = bounds.product_group
),
repeated as (
    select
        filename, period_month, commodity_code, partner_name, trade_mode_code, province_code,
        min(_row_number) as first_row
    from checked
    where first_reason is null
    group by all
    having count(*) > 1
),
judged as (
    select
        checked.* exclude (first_reason),
        coalesce(
            checked.first_reason,
            case when repeated.first_row <> checked._row_number
                then '*: repeats row ' || repeated.first_row
                    || ' (same month, code, partner, trade mode and province)' end
        ) as reason
    from checked
    left join repeated
        on checked.filename = repeated.filename
        and checked.period_month = repeated.period_month
        and checked.commodity_code = repeated.commodity_code
        and checked.partner_name = repeated.partner_name
        and checked.trade_mode_code is not distinct from repeated.trade_mode_code
        and checked.province_code is not distinct from repeated.province_code
        and checked.first_reason is null
)
select
    *,
    case when reason is not null then concat_ws(
        ',', period_month, commodity_code, commodity_name, partner_code, partner_name,
        trade_mode_code, trade_mode_name, province_code, province_name, quantity_1, unit_1,
        quantity_2, unit_2, value
    ) end as raw_text
from judged;
