with

mentions as (
    select * from {{ ref('stg_news__policy_mentions') }}
),

events as (
    select * from {{ ref('dim_policy_event') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

-- A mention dated to the day refers to an event announced or taking effect within 3 days of
-- it; a mention dated only to a month ("in April") refers to an event of that month that
-- concerns a product group the sentence names. Among candidates, one sharing a product
-- group wins, then the closest.
candidates as (
    select
        mentions.mention_id,
        events.event_id,
        least(
            coalesce(abs(date_diff('day', mentions.mention_date, events.announced_date)), 999),
            coalesce(abs(date_diff('day', mentions.mention_date, events.effective_date)), 999)
        ) as days_apart,
        len(list_intersect(mentions.product_groups, events.product_groups)) > 0
            as shares_product_group
    from mentions
    inner join events
        on
            (
                mentions.date_precision = 'day'
                and (
                    abs(date_diff('day', mentions.mention_date, events.announced_date)) <= 3
                    or abs(date_diff('day', mentions.mention_date, events.effective_date)) <= 3
                )
            )
            or (
                mentions.date_precision = 'month'
                and len(list_intersect(mentions.product_groups, events.product_groups)) > 0
                and (
                    date_trunc('month', events.announced_date) = mentions.mention_date
                    or date_trunc('month', events.effective_date) = mentions.mention_date
                )
            )
),

best_match as (
    select *
    from candidates
    qualify row_number() over (
        partition by mention_id
        order by shares_product_group desc, days_apart asc, event_id asc
    ) = 1
),

final as (
    select
        mentions.mention_id,
        mentions.article_hash,
        articles.article_title,
        articles.article_url,
        mentions.published_date,
        mentions.mention_date,
        mentions.date_precision,
        mentions.actor,
        mentions.action,
        mentions.product_groups,
        best_match.event_id,
        mentions.sentence,
        mentions.start_char,
        mentions.end_char
    from mentions
    left join best_match
        on mentions.mention_id = best_match.mention_id
    left join articles
        on mentions.article_hash = articles.article_hash
)

select * from final
