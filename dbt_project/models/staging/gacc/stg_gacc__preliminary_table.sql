with

source as (
    select * from {{ source('raw', 'gacc_preliminary_table') }}
),

final as (
    select
        report_month as period_month,
        commodity as commodity_name_as_printed,
        lower(trim(regexp_replace(commodity, '\s+', ' ', 'g'))) as commodity_name,
        unit,
        {{ to_tonnes('month_quantity', 'unit') }} as month_quantity_t,
        {{ to_tonnes('ytd_quantity', 'unit') }} as ytd_quantity_t,
        case when value_currency = 'USD' then month_value * value_multiplier end
            as month_value_usd,
        case when value_currency = 'USD' then ytd_value * value_multiplier end as ytd_value_usd,
        case when value_currency = 'CNY' then month_value * value_multiplier end
            as month_value_cny,
        value_currency,
        table_title,
        {{ provenance_columns() }}
    from source
)

select * from final
