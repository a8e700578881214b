with

source as (
    select * from {{ source('raw', 'comtrade_records') }}
),

final as (
    select
        period_month,
        -- An annual record (freqCode A) is dated the first of January and covers the year.
        case when upper(freq_code) = 'A' then 12 else 1 end as months_covered,
        reporter_code,
        case when reporter_code = 0 then 'WLD' else reporter_iso end as reporter_iso3,
        flow_code,
        partner_code,
        case when partner_code = 0 then 'WLD' else partner_iso end as partner_iso3,
        partner_desc as partner_name,
        coalesce(partner2_code, 0) as partner2_code,
        coalesce(mot_code, 0) as mot_code,
        coalesce(customs_code, 'C00') as customs_code,
        cmd_code as product_code,
        net_wgt_kg / 1000.0 as quantity_t,
        weight_note,
        coalesce(fob_value_usd, primary_value_usd) as fob_value_usd,
        coalesce(cif_value_usd, primary_value_usd) as cif_value_usd,
        is_reported,
        source_ref,
        {{ provenance_columns() }}
    from source
)

select * from final
