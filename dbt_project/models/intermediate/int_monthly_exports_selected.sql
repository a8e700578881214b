with

unioned as (
    select * from {{ ref('int_monthly_exports_unioned') }}
),

precedence as (
    select * from {{ ref('source_precedence') }}
),

final as (
    select unioned.*
    from unioned
    inner join precedence
        on unioned.source = precedence.source
    qualify row_number() over (
        partition by unioned.period_month, unioned.product_code, unioned.partner_iso3
        order by precedence.precedence
    ) = 1
)

select * from final
