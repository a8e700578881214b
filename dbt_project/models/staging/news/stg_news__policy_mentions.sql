with

source as (
    select * from {{ source('raw', 'news_policy_mentions') }}
),

final as (
    select
        mention_id,
        article_hash,
        mention_date,
        date_precision,
        actor,
        action,
        product_groups,
        sentence,
        start_char,
        end_char,
        published_date
    from source
)

select * from final
