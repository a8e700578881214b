{#- Fails (or warns, with severity: warn) when the model has any row: for report models
    that list problems, such as unknown codes. -#}
{% test has_no_rows(model) %}
select * from {{ model }}
{% endtest %}
