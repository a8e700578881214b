{#-
    Verdicts on news claims against known series. Used by the dbt model
    mart_news_claim_checks and, rendered with plain Jinja, by `ree-tracker check` on the
    published file: one definition of what "agrees" means. Keep it plain SQL (no ref, no
    dbt functions) so both can render it.

    claims: claim_id, product_code, partner_iso3, period_start_month, period_end_month,
            quantity_t, quantity_decimals, change_pct, change_decimals, change_basis
    series: mart_known_series columns

    A stated figure agrees when it lies within half a unit of its last stated digit of the
    series value (which is itself rounded to its own digits). A stated change agrees when it
    lies within the range of changes that the rounded figures allow.
-#}
{% macro news_claim_verdicts(claims, series) -%}
with

claims as (
    select * from {{ claims }}
),

series as (
    select
        *,
        case
            when abs(quantity_t - round(quantity_t)) < 1e-9 then 0.5
            when abs(quantity_t * 10 - round(quantity_t * 10)) < 1e-9 then 0.05
            else 0.005
        end as quantity_rounding_t
    from {{ series }}
),

claims_with_tolerance as (
    select
        *,
        0.5 * pow(10, -coalesce(quantity_decimals, 0)) as quantity_tolerance_t,
        0.5 * pow(10, -coalesce(change_decimals, 0)) as change_tolerance_pct
    from claims
),

named as (
    select
        claims_with_tolerance.claim_id,
        series.quantity_t as series_quantity_t,
        series.quantity_rounding_t,
        case claims_with_tolerance.change_basis
            when 'mom' then series.previous_month_quantity_t
            when 'yoy' then series.previous_year_quantity_t
        end as base_quantity_t
    from claims_with_tolerance
    inner join series
        on
            claims_with_tolerance.product_code = series.series_code
            and claims_with_tolerance.partner_iso3 = series.partner_iso3
            and claims_with_tolerance.period_start_month = series.period_start_month
            and claims_with_tolerance.period_end_month = series.period_end_month
),

other_series as (
    select
        claims_with_tolerance.claim_id,
        string_agg(series.series_code, ', ' order by series.series_code) as matched_series
    from claims_with_tolerance
    inner join series
        on
            claims_with_tolerance.partner_iso3 = series.partner_iso3
            and claims_with_tolerance.period_start_month = series.period_start_month
            and claims_with_tolerance.period_end_month = series.period_end_month
            and claims_with_tolerance.product_code <> series.series_code
    where
        abs(series.quantity_t - claims_with_tolerance.quantity_t)
        <= claims_with_tolerance.quantity_tolerance_t + series.quantity_rounding_t
    group by claims_with_tolerance.claim_id
),

compared as (
    select
        claims_with_tolerance.*,
        named.series_quantity_t,
        named.base_quantity_t,
        other_series.matched_series,
        round((named.series_quantity_t / named.base_quantity_t - 1) * 100, 1)
            as derived_change_pct,
        case
            when claims_with_tolerance.quantity_t is null then null
            when
                abs(named.series_quantity_t - claims_with_tolerance.quantity_t)
                <= claims_with_tolerance.quantity_tolerance_t + named.quantity_rounding_t
                then 'match'
            when other_series.matched_series is not null then 'scope_mismatch'
            when named.series_quantity_t is not null then 'mismatch'
            else 'unverifiable'
        end as quantity_verdict,
        case
            when claims_with_tolerance.change_pct is null then null
            when named.base_quantity_t is null or named.base_quantity_t <= 0 then 'unverifiable'
            when
                claims_with_tolerance.change_pct
                between ((named.series_quantity_t - named.quantity_rounding_t)
                    / (named.base_quantity_t + named.quantity_rounding_t) - 1) * 100
                - claims_with_tolerance.change_tolerance_pct
                and ((named.series_quantity_t + named.quantity_rounding_t)
                    / (named.base_quantity_t - named.quantity_rounding_t) - 1) * 100
                + claims_with_tolerance.change_tolerance_pct
                then 'match'
            else 'mismatch'
        end as change_verdict
    from claims_with_tolerance
    left join named
        on claims_with_tolerance.claim_id = named.claim_id
    left join other_series
        on claims_with_tolerance.claim_id = other_series.claim_id
),

final as (
    select
        claim_id,
        series_quantity_t as customs_quantity_t,
        derived_change_pct,
        matched_series,
        quantity_verdict,
        change_verdict,
        case
            when quantity_verdict = 'scope_mismatch' then 'scope_mismatch'
            when 'mismatch' in (quantity_verdict, change_verdict) then 'mismatch'
            when 'match' in (quantity_verdict, change_verdict) then 'match'
            else 'unverifiable'
        end as verdict,
        concat_ws(
            '; ',
            case quantity_verdict
                when 'match' then format('{} t agrees with {} t', quantity_t, series_quantity_t)
                when 'mismatch' then format(
                    '{} t differs from the series value {} t', quantity_t, series_quantity_t
                )
                when 'scope_mismatch' then format(
                    '{} t is not the named series ({}) but matches {}',
                    quantity_t,
                    coalesce(cast(series_quantity_t as varchar) || ' t', 'no figure'),
                    matched_series
                )
                when 'unverifiable' then 'no known figure for this product, partner and period'
            end,
            case change_verdict
                when 'match' then format(
                    '{}% {} agrees with the derived {}%', change_pct, change_basis,
                    derived_change_pct
                )
                when 'mismatch' then format(
                    '{}% {} differs from the derived {}%', change_pct, change_basis,
                    derived_change_pct
                )
                when 'unverifiable' then format(
                    'change {}% ({}) cannot be derived from known figures',
                    change_pct, coalesce(change_basis, 'basis not stated')
                )
            end
        ) as reason
    from compared
)

select * from final
{%- endmacro %}
