"""One table of quantity units: the readers' (orchestration/extract/units.py), the bulk path's
SQL and the dbt macro that converts landed quantities to tonnes agree on every unit."""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import pytest

from orchestration import settings
from orchestration.extract.units import TONNES_PER_UNIT, tonnes_per_unit, tonnes_per_unit_sql

MACRO = (settings.DBT_PROJECT_DIR / "macros" / "units.sql").read_text(encoding="utf-8")
_CASE = re.compile(r"when '([^']+)' then \{\{ quantity \}\} ([*/]) ([0-9.]+)")


def _macro_table() -> dict[str, float]:
    body = MACRO[MACRO.index("macro to_tonnes") : MACRO.index("endmacro")]
    return {
        unit: float(number) if operator == "*" else 1 / float(number)
        for unit, operator, number in _CASE.findall(body)
    }


def test_the_dbt_macro_converts_exactly_the_units_the_readers_accept():
    assert _macro_table() == TONNES_PER_UNIT


@pytest.mark.parametrize(
    ("unit", "tonnes"),
    [
        ("千克", 0.001),
        ("KG", 0.001),
        ("kg", 0.001),
        ("吨", 1.0),
        ("T", 1.0),
        ("10000T", 10000.0),  # GACC's ten-thousand tonnes: a scale
        ("Ton", 1.0),
        ("箱", None),  # boxes: no weight
        ("个", None),
        ("\u212ag", None),  # a Kelvin sign, not a K: no unit, though DuckDB lowers it to k
        ("ＫＧ", None),  # full-width letters
        ("", None),
    ],
)
def test_python_and_the_bulk_paths_sql_read_each_unit_alike(unit, tonnes):
    assert tonnes_per_unit(unit) == tonnes
    sql = f"select {tonnes_per_unit_sql('u')} from (select ? as u)"
    assert duckdb.execute(sql, [unit]).fetchone()[0] == tonnes


def test_the_raw_gacc_suite_reads_quantities_in_tonnes_as_the_table_does():
    # The GE suite's batch query computes tonnes for its bounds; run it on one line per unit.
    suite = json.loads((settings.EXPECTATIONS_DIR / "raw_gacc_query_exports.json").read_text())
    conn = duckdb.connect()
    conn.execute("create schema raw")
    conn.execute(
        "create table raw.gacc_query_exports (period_month date, commodity_code varchar, "
        "quantity_1 double, unit_1 varchar, value double, value_currency varchar, "
        "_loaded_at timestamp)"
    )
    spellings = [*TONNES_PER_UNIT, *(unit.upper() for unit in TONNES_PER_UNIT if unit.isascii())]
    conn.executemany(
        "insert into raw.gacc_query_exports values "
        "('2025-01-01', ?, 2.0, ?, null, 'USD', '2025-02-01')",
        [[f"code-{index}", unit] for index, unit in enumerate(spellings)],
    )
    rows = conn.execute(
        f"select unit_1, quantity_t from ({suite['meta']['batch_sql']})",
        {"landed_since": dt.datetime(2025, 1, 1)},
    ).fetchall()
    assert dict(rows) == {unit: 2.0 * tonnes_per_unit(unit) for unit in spellings}
