with

source as (
    select * from {{ source('raw', 'published_figures') }}
),

renamed as (
    select
        figure_id,
        reference_id,
        series_id,
        partner_iso3,
        period_start_month,
        period_end_month,
        quantity as quantity_reported,
        quantity_unit as reported_unit,
        quantity_decimals,
        {{ to_tonnes('quantity', 'quantity_unit') }} as quantity_t,
        -- Half a unit of the last digit the page printed, in tonnes: two figures closer than
        -- the larger of their two roundings agree.
        {{ to_tonnes('0.5 * pow(10, -quantity_decimals)', 'quantity_unit') }}
            as rounding_t,
        coalesce(qualifier, 'exact') as qualifier,
        value_usd,
        reported_change,
        reported_yoy_change_pct,
        reported_mom_change_pct,
        source_url,
        is_verified,
        note,
        {{ provenance_columns() }},
        date_diff('month', period_start_month, period_end_month) + 1 as months_covered
    from source
),

final as (
    select
        *,
        case
            when months_covered = 1 then 'month'
            when
                month(period_start_month) = 1 and month(period_end_month) = 2
                and months_covered = 2
                then 'combined_jan_feb'
            when month(period_start_month) = 1 and months_covered = 12 then 'year'
            when month(period_start_month) = 1 and months_covered = 6 then 'half_year'
            when
                month(period_start_month) in (1, 4, 7, 10) and months_covered = 3
                then 'quarter'
            when month(period_start_month) = 1 then 'year_to_date'
            when month(period_start_month) = 7 and months_covered = 6 then 'half_year'
            else 'other_range'
        end as period_kind
    from renamed
)

select * from final
