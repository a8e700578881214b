with

source as (
    select * from {{ source('raw', 'news_claims') }}
),

final as (
    select
        claim_id,
        article_hash,
        claim_index,
        product_code,
        partner_iso3,
        period_start_month,
        period_end_month,
        quantity_t,
        quantity_decimals,
        quantity_qualifier,
        change_pct,
        change_decimals,
        change_qualifier,
        change_basis,
        extraction_reason,
        sentence,
        start_char,
        end_char,
        confidence,
        published_date,
        extracted_at
    from source
)

select * from final
