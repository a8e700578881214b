"""Quantity units in GACC files and what one of each weighs in tonnes.

One table for every customs reader, the bulk path's SQL and the plausibility check; the dbt
macro `to_tonnes` (dbt_project/macros/units.sql) spells the same table in SQL, and a test
holds the two equal. A unit outside the table is never guessed: the line is quarantined.

The query platform writes 千克 or 吨 (or KG, T); GACC's English tables write T, KG or
10000T, ten-thousand tonnes, which is a scale: 1.5 in 10000T is 15,000 t. ASCII spellings
match in any case ("kg", "KG"); Chinese ones exactly.
"""

from __future__ import annotations

TONNES_PER_UNIT = {
    "千克": 0.001,
    "kg": 0.001,
    "kilogram": 0.001,
    "kilograms": 0.001,
    "克": 0.000001,
    "g": 0.000001,
    "吨": 1.0,
    "t": 1.0,
    "ton": 1.0,
    "tons": 1.0,
    "tonne": 1.0,
    "tonnes": 1.0,
    "10000t": 10000.0,
}


def tonnes_per_unit(unit: str) -> float | None:
    """Tonnes in one of this unit, None when the table does not know it."""
    key = unit.strip()
    return TONNES_PER_UNIT.get(key.lower() if key.isascii() else key)


def known_units_text() -> str:
    return ", ".join(TONNES_PER_UNIT)


def tonnes_per_unit_sql(column: str) -> str:
    """`tonnes_per_unit` in DuckDB SQL, for a column already stripped of spaces.

    lower() is applied to ASCII text only: on other text DuckDB's and Python's case rules
    differ (the Kelvin sign lowers to a "k" in DuckDB), and a unit the line reader refuses
    must not pass here.
    """

    def cases(ascii: bool) -> str:
        return " ".join(
            f"when '{unit}' then cast({factor!r} as double)"
            for unit, factor in TONNES_PER_UNIT.items()
            if unit.isascii() == ascii
        )

    ascii_cases, other_cases = cases(True), cases(False)
    return (
        f"case when regexp_matches({column}, '^[[:ascii:]]*$') "
        f"then (case lower({column}) {ascii_cases} end) "
        f"else (case {column} {other_cases} end) end"
    )
