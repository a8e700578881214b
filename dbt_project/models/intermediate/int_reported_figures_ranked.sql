with

figures as (
    select * from {{ ref('int_published_figures_latest') }}
),

-- Two pages may give the same series, partner and period. Both stay; one is chosen, in this
-- order: a figure two independent pages confirm (is_verified), an exact figure over an
-- approximate one, the more precise figure (smaller rounding), then the lower figure_id so
-- the choice never depends on load order.
final as (
    select
        *,
        row_number() over (
            partition by series_id, partner_iso3, period_start_month, period_end_month
            order by
                is_verified desc,
                qualifier = 'exact' desc,
                rounding_t asc nulls last,
                figure_id asc
        ) as rank_in_grain,
        count(*) over (
            partition by series_id, partner_iso3, period_start_month, period_end_month
        ) as figures_in_grain
    from figures
    where quantity_t is not null or value_usd is not null
)

select * from final
