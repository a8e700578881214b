with

figures as (
    select * from {{ ref('stg_published_figures__figures') }}
),

final as (
    select *
    from figures
    qualify row_number() over (
        partition by figure_id
        order by loaded_at desc, source_file desc
    ) = 1
)

select * from final
