-- A failure means a row of the annotated series adds several product codes or series
-- together. Series overlap (unwrought gallium is part of gallium; HS 811292 is a basket
-- holding both gallium and germanium), so every row must come from exactly one code:
-- summing them would count the same tonnes twice.
with

annotated as (
    select * from {{ ref('mart_policy_annotated_series') }}
),

final as (
    select
        period_month,
        series_id,
        partner_iso3,
        product_codes
    from annotated
    where product_codes like '%,%'
)

select * from final
