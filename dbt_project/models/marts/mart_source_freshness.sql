with

vintages as (
    select * from {{ ref('int_monthly_exports_vintages') }}
),

calendar as (
    select * from {{ ref('release_calendar') }}
),

rules as (
    select * from {{ ref('release_rules') }}
),

-- A source is watched from the first month it delivered; sources never loaded are not
-- reported as missing.
sources_in_use as (
    select
        source,
        min(period_month) as first_month
    from vintages
    where source in (select rules.source from rules)
    group by source
),

months as (
    select
        sources_in_use.source,
        cast(
            unnest(
                generate_series(
                    sources_in_use.first_month,
                    date_trunc('month', current_date) - interval 1 month,
                    interval 1 month
                )
            ) as date
        ) as period_month
    from sources_in_use
),

-- Expected date: the calendar where it lists the month, else the source's rule.
expected as (
    select
        months.source,
        months.period_month,
        coalesce(
            calendar.expected_release_date,
            cast(
                months.period_month + to_months(rules.lag_months)
                + to_days(rules.day_of_following_month - 1) as date
            )
        ) as expected_release_date,
        calendar.expected_release_date is not null as is_from_calendar
    from months
    left join calendar
        on
            months.source = calendar.source
            and strftime(months.period_month, '%Y-%m') = calendar.period_month
    left join rules
        on months.source = rules.source
),

delivered as (
    select distinct
        source,
        period_month
    from vintages
    union
    -- a combined January-February release delivers February too
    select distinct
        source,
        cast(period_month + interval 1 month as date) as period_month
    from vintages
    where months_covered = 2
),

final as (
    select
        cast(expected.source as varchar) as source,
        cast(expected.period_month as date) as period_month,
        cast(expected.expected_release_date as date) as expected_release_date,
        expected.is_from_calendar,
        delivered.source is not null as is_delivered,
        cast(
            case
                when delivered.source is not null then 'present'
                when expected.expected_release_date > current_date then 'not_yet_published'
                else 'missing'
            end as varchar
        ) as status
    from expected
    left join delivered
        on
            expected.source = delivered.source
            and expected.period_month = delivered.period_month
)

select * from final
