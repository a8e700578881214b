{#- Where a raw row came from: the columns landing adds to every raw table
    (orchestration/landing/store.py), under the names staging gives them. Written for a
    column list indented by 8 spaces, as the staging models write theirs. -#}
{% macro provenance_columns() -%}
    _source_file as source_file,
        _content_hash as content_hash,
        _row_number as source_row_number,
        _loaded_at as loaded_at
{%- endmacro %}
