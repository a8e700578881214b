{#-
    Verdicts on news claims against known series. Used by the dbt model
    mart_news_claim_checks and, rendered with plain Jinja, by `ree-tracker check` on the
    published file: one definition of what "agrees" means. Keep it plain SQL (no ref, no
    dbt functions) so both can render it.

    claims: claim_id, product_code, partner_iso3, period_start_month, period_end_month,
            quantity_t, quantity_decimals, quantity_qualifier, change_pct, change_decimals,
            change_qualifier, change_basis
    series: mart_known_series columns

    A stated figure agrees when it lies within half a unit of its last stated digit of the
    series value (which is itself rounded to its own digits). A stated change agrees when it
    lies within the range of changes that the rounded figures allow.

    A hedged figure (qualifier approx, more_than or less_than: "almost 40%", "more than
    2,000 t") is never a match: "almost 40%" agrees with 38% and 41% alike. It is a mismatch
    only when customs data break its bound ("more than 2,000 t" against 1,500 t), and
    otherwise unverifiable. A more_than / less_than change bounds the size of the change in
    its stated direction ("fell by more than 80%": below -80%).
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
        claims_with_tolerance.quantity_qualifier is null
        and abs(series.quantity_t - claims_with_tolerance.quantity_t)
        <= claims_with_tolerance.quantity_tolerance_t + series.quantity_rounding_t
    group by claims_with_tolerance.claim_id
),

joined as (
    select
        claims_with_tolerance.*,
        named.series_quantity_t,
        named.base_quantity_t,
        other_series.matched_series,
        named.series_quantity_t - named.quantity_rounding_t
        - claims_with_tolerance.quantity_tolerance_t as series_low_t,
        named.series_quantity_t + named.quantity_rounding_t
        + claims_with_tolerance.quantity_tolerance_t as series_high_t,
        ((named.series_quantity_t - named.quantity_rounding_t)
            / (named.base_quantity_t + named.quantity_rounding_t) - 1) * 100
        - claims_with_tolerance.change_tolerance_pct as derived_low_pct,
        ((named.series_quantity_t + named.quantity_rounding_t)
            / nullif(named.base_quantity_t - named.quantity_rounding_t, 0) - 1) * 100
        + claims_with_tolerance.change_tolerance_pct as derived_high_pct
    from claims_with_tolerance
    left join named
        on claims_with_tolerance.claim_id = named.claim_id
    left join other_series
        on claims_with_tolerance.claim_id = other_series.claim_id
),

compared as (
    select
        *,
        round((series_quantity_t / base_quantity_t - 1) * 100, 1) as derived_change_pct,
        case
            when quantity_t is null then null
            when quantity_qualifier is not null and series_quantity_t is null then 'unverifiable'
            when quantity_qualifier = 'more_than' and series_high_t < quantity_t then 'mismatch'
            when quantity_qualifier = 'less_than' and series_low_t > quantity_t then 'mismatch'
            when quantity_qualifier is not null then 'hedged'
            when quantity_t between series_low_t and series_high_t then 'match'
            when matched_series is not null then 'scope_mismatch'
            when series_quantity_t is not null then 'mismatch'
            else 'unverifiable'
        end as quantity_check,
        case
            when change_pct is null then null
            when base_quantity_t is null or base_quantity_t <= 0 then 'unverifiable'
            -- a bound on the size of the change, in the direction it was stated
            when
                (change_qualifier = 'more_than' and change_pct >= 0 and derived_high_pct < change_pct)
                or (change_qualifier = 'more_than' and change_pct < 0 and derived_low_pct > change_pct)
                or (change_qualifier = 'less_than' and change_pct >= 0 and derived_low_pct > change_pct)
                or (change_qualifier = 'less_than' and change_pct < 0 and derived_high_pct < change_pct)
                then 'mismatch'
            when change_qualifier is not null then 'hedged'
            when change_pct between derived_low_pct and derived_high_pct then 'match'
            else 'mismatch'
        end as change_check
    from joined
),

final as (
    select
        claim_id,
        series_quantity_t as customs_quantity_t,
        derived_change_pct,
        matched_series,
        -- a hedged figure is unverifiable unless it breaks its bound
        replace(quantity_check, 'hedged', 'unverifiable') as quantity_verdict,
        replace(change_check, 'hedged', 'unverifiable') as change_verdict,
        case
            when quantity_check = 'scope_mismatch' then 'scope_mismatch'
            when 'mismatch' in (quantity_check, change_check) then 'mismatch'
            when 'match' in (quantity_check, change_check) then 'match'
            else 'unverifiable'
        end as verdict,
        concat_ws(
            '; ',
            case quantity_check
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
                when 'hedged' then format(
                    '{} t is hedged ({}): customs say {} t, which does not break the bound',
                    quantity_t, quantity_qualifier, series_quantity_t
                )
            end,
            case change_check
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
                when 'hedged' then format(
                    '{}% {} is hedged ({}): the derived {}% does not break the bound',
                    change_pct, change_basis, change_qualifier, derived_change_pct
                )
            end
        ) as reason
    from compared
)

select * from final
{%- endmacro %}
