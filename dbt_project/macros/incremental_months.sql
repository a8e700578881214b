{#
  Models over landed GACC lines grow with the history (tens of millions of lines at full
  detail), so they are incremental and rebuild whole months: the months that received lines
  since the model was last built, and nothing else. Whole months, so a month re-exported in a
  later file (a revision) is recomputed from all its lines.

  They also join reference seeds (products, partner names). When a seed changes, a renamed
  product or a newly mapped partner must reach old lines too: each such model records a
  fingerprint of the seeds it was built with (in a one-row table beside it, in the
  intermediate schema, so the marts stay as documented) and rebuilds every month when the
  fingerprint no longer matches.
#}

{% macro reference_fingerprint(relations) -%}
    md5(concat_ws('|'
    {%- for relation in relations %},
        (
            select coalesce(string_agg(cast(seed_row as varchar), ',' order by cast(seed_row as varchar)), '')
            from {{ relation }} as seed_row
        )
    {%- endfor %}
    ))
{%- endmacro %}


{% macro fingerprint_relation(model) -%}
    {{ model.database }}.intermediate.{{ model.identifier }}__reference_fingerprint
{%- endmacro %}


{# A predicate on period_month: the months to (re)build in this run. #}
{% macro months_to_build(lines, lines_loaded_at, this_loaded_at, reference_relations) -%}
    {%- if is_incremental() and execute and _reference_unchanged(reference_relations) -%}
        period_month in (
            select distinct period_month
            from {{ lines }}
            where {{ lines_loaded_at }} > (
                select coalesce(max({{ this_loaded_at }}), timestamp '1900-01-01')
                from {{ this }}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{% macro _reference_unchanged(reference_relations) %}
    {%- set stored = adapter.get_relation(
        database=this.database, schema='intermediate',
        identifier=this.identifier ~ '__reference_fingerprint'
    ) -%}
    {%- if stored is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set same = run_query(
        'select coalesce((select fingerprint from ' ~ stored ~ ') = '
        ~ reference_fingerprint(reference_relations) ~ ', false)'
    ) -%}
    {{ return(same.columns[0].values()[0]) }}
{% endmacro %}


{# post_hook: remember the fingerprint of the seeds this build used. #}
{% macro record_reference_fingerprint(reference_relations) -%}
    create or replace table {{ fingerprint_relation(this) }} as
    select {{ reference_fingerprint(reference_relations) }} as fingerprint
{%- endmacro %}
