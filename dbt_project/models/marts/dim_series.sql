with

series as (
    select * from {{ ref('reported_series') }}
),

final as (
    select
        cast(series_id as varchar) as series_id,
        cast(series_name as varchar) as series_name,
        cast(product_group as varchar) as product_group,
        cast(flow as varchar) as flow,
        cast(series_kind as varchar) as series_kind,
        cast(covers as varchar) as covers,
        cast(coalesce(string_split(national_codes, ';'), []) as varchar[]) as national_codes,
        cast(coalesce(string_split(hs6_codes, ';'), []) as varchar[]) as hs6_codes,
        cast(reported_unit as varchar) as reported_unit,
        cast(chart_unit as varchar) as chart_unit,
        cast(part_of as varchar) as part_of_series_id,
        cast(caveat as varchar) as caveat,
        cast(source_url as varchar) as source_url
    from series
)

select * from final
