with

gacc_lines as (
    select * from {{ ref('stg_gacc__query_exports') }}
),

partner_codes as (
    select * from {{ ref('gacc_partner_codes') }}
),

-- GACC partner codes in landed files that the seed does not source. Their lines land as
-- reported (and find their partner by name where the name is known); this lists them so a
-- sourced row can be added.
final as (
    select
        gacc_lines.gacc_partner_code,
        string_agg(distinct gacc_lines.partner_name_zh, '; ') as partner_names_zh,
        min(gacc_lines.period_month) as first_month,
        max(gacc_lines.period_month) as last_month,
        count(*) as line_count,
        string_agg(distinct gacc_lines.source_file, '; ') as source_files
    from gacc_lines
    left join partner_codes
        on gacc_lines.gacc_partner_code = partner_codes.gacc_partner_code
    where
        gacc_lines.gacc_partner_code is not null
        and partner_codes.gacc_partner_code is null
    group by gacc_lines.gacc_partner_code
)

select * from final
