with

claims as (
    select * from {{ ref('stg_news__claims') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

verdicts as (
    {{ news_claim_verdicts(ref('stg_news__claims'), ref('mart_known_series')) | indent(4) }}
),

final as (
    select
        claims.claim_id,
        claims.article_hash,
        articles.article_title,
        articles.outlet,
        articles.article_url,
        articles.source_file,
        claims.published_date,
        claims.product_code,
        claims.partner_iso3,
        claims.period_start_month,
        claims.period_end_month,
        claims.quantity_t as claimed_quantity_t,
        claims.quantity_qualifier,
        claims.change_pct as claimed_change_pct,
        claims.change_qualifier,
        claims.change_basis,
        verdicts.customs_quantity_t,
        verdicts.derived_change_pct,
        verdicts.matched_series,
        verdicts.quantity_verdict,
        verdicts.change_verdict,
        verdicts.verdict,
        verdicts.reason,
        claims.sentence,
        claims.start_char,
        claims.end_char,
        claims.confidence,
        claims.extraction_reason
    from claims
    inner join verdicts
        on claims.claim_id = verdicts.claim_id
    left join articles
        on claims.article_hash = articles.article_hash
)

select * from final
