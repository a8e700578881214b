{#- Quantities in GACC files come in their first legal unit; every mart speaks tonnes. -#}
{% macro to_tonnes(quantity, unit) -%}
    case {{ unit }}
        when '千克' then {{ quantity }} / 1000.0
        when 'kg' then {{ quantity }} / 1000.0
        when '克' then {{ quantity }} / 1000000.0
        when 'g' then {{ quantity }} / 1000000.0
        when '吨' then {{ quantity }}
        when 't' then {{ quantity }}
    end
{%- endmacro %}

{#- Percentage change from a base value; null unless both values exist and the base is not 0. -#}
{% macro pct_change(current, base) -%}
    case
        when {{ base }} is not null and {{ base }} <> 0 and {{ current }} is not null
            then round(({{ current }} - {{ base }}) / {{ base }} * 100, 1)
    end
{%- endmacro %}
