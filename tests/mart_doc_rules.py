"""What the documentation of a mart column must say, checked by tests/unit/test_dbt_docs.py
(on the yml alone) and tests/integration/test_mart_docs.py (against the published columns).

The marts are what BI users read, and `make docs` shows these descriptions: every column has
one, and every measure states its unit. Units come in two ways:
- by name (style guide: names carry units): `quantity_t` must say `(t)`, `value_usd` `(USD)`...;
- by type: any other numeric column must name its unit in parentheses from a short list
  (`(months)`, `(count)`, ...), so a number never reaches a dashboard without one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration import settings

MARTS_MODELS_DIR = settings.DBT_PROJECT_DIR / "models" / "marts"

# Column-name suffix -> text its description must contain. Longest suffixes first.
UNIT_BY_NAME_SUFFIX = (
    ("_usd_per_kg", "(USD/kg)"),
    ("_month", "month"),
    ("_pct", "(%)"),
    ("_usd", "(USD)"),
    ("_cny", "(CNY)"),
    ("_at", "(UTC)"),
    ("_kg", "(kg)"),
    ("_t", "(t)"),
)
# Units of numeric columns whose name carries none.
UNITS_OF_OTHER_NUMBERS = (
    "(months)",
    "(count)",
    "(reported unit)",
    "(characters)",
    "(line number)",
    "(score 0-1)",
)
NUMERIC_TYPES = {
    "tinyint",
    "smallint",
    "int",
    "integer",
    "bigint",
    "hugeint",
    "utinyint",
    "usmallint",
    "uinteger",
    "ubigint",
    "uhugeint",
    "float",
    "real",
    "double",
    "decimal",
    "numeric",
}

# model -> column -> {"description": str, "data_type": str or None}
ColumnDocs = dict[str, dict[str, dict[str, str | None]]]


def load_mart_column_docs(models_dir: Path = MARTS_MODELS_DIR) -> ColumnDocs:
    """Column names, descriptions and declared types of every model in the marts yml files."""
    docs: ColumnDocs = {}
    for yml in sorted(models_dir.glob("*.yml")):
        for model in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("models", []):
            docs[model["name"]] = {
                column["name"]: {
                    "description": (column.get("description") or "").strip(),
                    "data_type": column.get("data_type"),
                }
                for column in model.get("columns", [])
            }
    return docs


def is_numeric(data_type: str | None) -> bool:
    return bool(data_type) and data_type.lower().split("(")[0].strip() in NUMERIC_TYPES


def column_problems(model: str, column: str, description: str, data_type: str | None) -> list[str]:
    where = f"{model}.{column}"
    if not description:
        return [f"{where}: no description"]
    for suffix, unit in UNIT_BY_NAME_SUFFIX:
        if column.endswith(suffix):
            if unit not in description:
                return [f"{where}: description does not state its unit {unit}"]
            return []
    if is_numeric(data_type) and not any(unit in description for unit in UNITS_OF_OTHER_NUMBERS):
        return [
            f"{where}: numeric ({data_type}) but its description states no unit "
            f"(one of {', '.join(UNITS_OF_OTHER_NUMBERS)})"
        ]
    return []


def documentation_problems(
    docs: ColumnDocs, actual_types: dict[str, dict[str, str]] | None = None
) -> list[str]:
    """Every problem found; [] when every column is described with its unit.

    `actual_types` (model -> column -> type, from a built file) adds the columns the yml does
    not list, and the types of the columns it lists without one.
    """
    problems = []
    for model in sorted(set(docs) | set(actual_types or {})):
        documented = docs.get(model, {})
        actual = (actual_types or {}).get(model)
        if actual is not None:
            problems += [f"{model}.{c}: not documented" for c in actual if c not in documented]
            problems += [f"{model}.{c}: not built" for c in documented if c not in actual]
        for column, doc in documented.items():
            data_type = doc["data_type"] or (actual or {}).get(column)
            problems += column_problems(model, column, doc["description"] or "", data_type)
    return problems
