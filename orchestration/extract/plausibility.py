"""Plausible unit values per product group, for catching unit errors at landing.

A kilogram figure labelled as tonnes (or the reverse) makes a line 1,000 times too heavy,
which no row-level type check sees; its unit value (dollars per kilogram) falls far outside
anything the product trades at. The bounds are the ones the fct_monthly_exports expectation
suite applies (its meta `unit_value_bounds_usd_per_kg`), and the code-to-group map is the
products seed: one source for each.
"""

from __future__ import annotations

import csv
import functools
import json

from orchestration import settings
from orchestration.extract.units import tonnes_per_unit


@functools.cache
def unit_value_bounds() -> dict[str, tuple[float, float]]:
    """Product group -> plausible (low, high) USD/kg: the suite meta, read once per process
    for the readers, the bulk path and the benchmark's generator alike."""
    suite = json.loads(settings.suite_path("fct_monthly_exports").read_text(encoding="utf-8"))
    return {
        group: (float(low), float(high))
        for group, (low, high) in suite["meta"]["unit_value_bounds_usd_per_kg"].items()
    }


@functools.cache
def _group_of_code() -> dict[str, str]:
    path = settings.seed_path("products")
    with path.open(encoding="utf-8") as handle:
        return {row["product_code"]: row["product_group"] for row in csv.DictReader(handle)}


def implausible_unit_value(
    commodity_code: str, quantity: float, unit: str, value_usd: float | None
) -> str | None:
    """A reason when the line's dollars per kilogram cannot be right, else None."""
    tonnes = tonnes_per_unit(unit)
    if value_usd is None or quantity <= 0 or tonnes is None:
        return None
    groups = _group_of_code()
    group = groups.get(commodity_code) or groups.get(commodity_code[:6])
    if group is None or group not in unit_value_bounds():
        return None
    low, high = unit_value_bounds()[group]
    per_kg = value_usd / (quantity * tonnes * 1000)
    if low <= per_kg <= high:
        return None
    hint = "kilograms read as tonnes?" if per_kg < low else "tonnes read as kilograms?"
    return (
        f"unit value {per_kg:.4g} USD/kg is outside the plausible range for {group} "
        f"({low:g}-{high:g} USD/kg): {hint}"
    )


def unit_value_bounds_by_code() -> list[tuple[str, float | None, float | None]]:
    """(product code, low, high) for every code of the products seed, the bounds None where
    its group has none: the same lookup as implausible_unit_value, as rows for SQL."""
    bounds = unit_value_bounds()
    return [(code, *bounds.get(group, (None, None))) for code, group in _group_of_code().items()]
