{#- Use the folder's schema name as is (staging, intermediate, marts, reference), so BI users
    see `marts.fct_monthly_exports` rather than dbt's default `main_marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
