{#- Quantities in GACC files come in their first legal unit (query platform) or the unit a
    table prints (English tables); every mart speaks tonnes. The same table as
    orchestration/extract/units.py, which the readers check units against (a test holds the
    two equal): ASCII spellings in any case, Chinese ones exactly; 10000t is a scale, ten
    thousand tonnes. Any other unit gives null, never a guess. -#}
{% macro to_tonnes(quantity, unit) -%}
    case
        when regexp_matches({{ unit }}, '^[[:ascii:]]*$') then case lower({{ unit }})
            when 'kg' then {{ quantity }} / 1000.0
            when 'kilogram' then {{ quantity }} / 1000.0
            when 'kilograms' then {{ quantity }} / 1000.0
            when 'g' then {{ quantity }} / 1000000.0
            when 't' then {{ quantity }} * 1.0
            when 'ton' then {{ quantity }} * 1.0
            when 'tons' then {{ quantity }} * 1.0
            when 'tonne' then {{ quantity }} * 1.0
            when 'tonnes' then {{ quantity }} * 1.0
            when '10000t' then {{ quantity }} * 10000.0
        end
        else case {{ unit }}
            when '千克' then {{ quantity }} / 1000.0
            when '克' then {{ quantity }} / 1000000.0
            when '吨' then {{ quantity }} * 1.0
        end
    end
{%- endmacro %}

{#- Percentage change from a base value; null unless both values exist and the base is not 0. -#}
{% macro pct_change(current, base) -%}
    case
        when {{ base }} is not null and {{ base }} <> 0 and {{ current }} is not null
            then round(({{ current }} - {{ base }}) / {{ base }} * 100, 1)
    end
{%- endmacro %}
