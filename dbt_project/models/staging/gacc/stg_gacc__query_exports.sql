with

source as (
    select * from {{ source('raw', 'gacc_query_exports') }}
),

final as (
    select
        period_month,
        commodity_code,
        left(commodity_code, 6) as hs6_code,
        commodity_name as commodity_name_zh,
        partner_code as gacc_partner_code,
        partner_name as partner_name_zh,
        trade_mode_code,
        trade_mode_name as trade_mode_name_zh,
        province_code,
        province_name as province_name_zh,
        quantity_1,
        unit_1,
        {{ to_tonnes('quantity_1', 'unit_1') }} as quantity_t,
        quantity_2,
        unit_2,
        value_currency,
        case when value_currency = 'USD' then value end as value_usd,
        case when value_currency = 'CNY' then value end as value_cny,
        {{ provenance_columns() }}
    from source
)

select * from final
