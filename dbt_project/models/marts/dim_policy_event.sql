with

events as (
    select * from {{ ref('policy_events') }}
),

final as (
    select
        cast(event_id as varchar) as event_id,
        cast(announced_date as date) as announced_date,
        cast(effective_date as date) as effective_date,
        cast(suspended_date as date) as suspended_date,
        cast(suspension_end_date as date) as suspension_end_date,
        cast(lifted_date as date) as lifted_date,
        -- From this day nothing records what became of the event (a suspension ran out):
        -- months after it say the status is unknown, never in force or suspended.
        cast(status_unknown_from as date) as status_unknown_from,
        cast(issuer as varchar) as issuer,
        cast(announcement_no as varchar) as announcement_no,
        cast(event_type as varchar) as event_type,
        -- Measures restrict exports while in force; other events (talks, suspensions,
        -- facilitation) are annotations only. A listing restricts exports to named entities
        -- of its target countries, whatever the product.
        event_type in (
            'export_control', 'technology_ban', 'regulation', 'state_trading', 'entity_listing'
        ) as is_measure,
        event_type = 'entity_listing' as targets_entities,
        cast(items as varchar) as items,
        cast(coalesce(string_split(product_groups, ';'), []) as varchar[]) as product_groups,
        cast(coalesce(string_split(targets, ';'), []) as varchar[]) as targets,
        cast(target_entities as varchar) as target_entities,
        cast(source_url as varchar) as source_url,
        cast(is_verified as boolean) as is_verified,
        cast(note as varchar) as note
    from events
)

select * from final
