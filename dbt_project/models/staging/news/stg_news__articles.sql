with

source as (
    select * from {{ source('raw', 'news_articles') }}
),

-- The same article can arrive in two files (a feed and a saved page); keep the first copy.
first_copies as (
    select *
    from source
    qualify row_number() over (
        partition by article_hash
        order by _loaded_at, _source_file, _row_number
    ) = 1
),

final as (
    select
        article_hash,
        article_format,
        title as article_title,
        outlet,
        url as article_url,
        published_date,
        body_text,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at
    from first_copies
)

select * from final
