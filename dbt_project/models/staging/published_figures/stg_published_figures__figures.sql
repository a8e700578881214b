with

source as (
    select * from {{ source('raw', 'published_figures') }}
),

renamed as (
    select
        figure_id,
        product_code,
        partner_iso3,
        period_start_month,
        period_end_month,
        quantity_t,
        reported_change,
        reported_yoy_change_pct,
        reported_mom_change_pct,
        source_url,
        is_verified,
        note,
        _source_file as source_file,
        _content_hash as content_hash,
        _row_number as source_row_number,
        _loaded_at as loaded_at,
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
            when month(period_start_month) = 1 then 'year_to_date'
            else 'other_range'
        end as period_kind
    from renamed
)

select * from final
