with

exports as (
    select * from {{ ref('int_monthly_exports_selected') }}
),

-- A combined January-February release compares with the same two months a year earlier:
-- that year's combined release, or its January and February reported on their own.
january_february_sums as (
    select
        january.product_code,
        january.partner_iso3,
        january.period_month,
        2 as months_covered,
        january.quantity_t + february.quantity_t as quantity_t
    from exports as january
    inner join exports as february
        on
            january.product_code = february.product_code
            and january.partner_iso3 = february.partner_iso3
            and february.period_month = january.period_month + interval 1 month
            and february.months_covered = 1
    where month(january.period_month) = 1 and january.months_covered = 1
),

comparable_periods as (
    select
        product_code,
        partner_iso3,
        period_month,
        months_covered,
        quantity_t
    from exports
    union all
    select * from january_february_sums
),

final as (
    select
        exports.*,
        -- Month on month: only between single months that follow each other.
        case
            when exports.months_covered = 1
                then {{ pct_change('exports.quantity_t', 'previous_month.quantity_t') }}
        end as mom_change_pct,
        -- Year on year: against the same period a year earlier, of the same length.
        {{ pct_change('exports.quantity_t', 'previous_year.quantity_t') }} as yoy_change_pct
    from exports
    left join exports as previous_month
        on
            exports.product_code = previous_month.product_code
            and exports.partner_iso3 = previous_month.partner_iso3
            and previous_month.months_covered = 1
            and previous_month.period_month = exports.period_month - interval 1 month
    left join comparable_periods as previous_year
        on
            exports.product_code = previous_year.product_code
            and exports.partner_iso3 = previous_year.partner_iso3
            and exports.months_covered = previous_year.months_covered
            and previous_year.period_month = exports.period_month - interval 12 month
)

select * from final
