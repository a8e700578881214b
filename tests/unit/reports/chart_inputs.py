"""Mart-shaped frames for the chart tests. Every figure and event here was invented for the
tests (the real series are charted in tests/integration/test_charts.py)."""

import datetime as dt

import pandas as pd

from orchestration.reports.data import (
    ChartInputs,
    group_series,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JAN, FEB, MAR, APR = (dt.date(2025, month, 1) for month in (1, 2, 3, 4))

# dim_series: id -> (name, product group, chart unit, part of, caveat).
SERIES = {
    "re_total": ("Rare earths (test total)", "rare_earths", "t", None, "Make-up unknown"),
    "dysprosium": ("Dysprosium products", "rare_earths", "kg", "re_total", None),
    "gallium": ("Gallium", "gallium_germanium", "kg", None, "Not HS 811292"),
    "germanium": ("Germanium", "gallium_germanium", "kg", None, None),
    "magnets": ("Magnets", "rare_earth_magnets", "t", None, None),
    "tungsten_apt": ("Ammonium paratungstate", "tungsten", "t", None, None),
}


def series_info() -> pd.DataFrame:
    rows = [
        {
            "series_id": sid,
            "series_name": name,
            "product_group": group,
            "flow": "export",
            "series_kind": "customs",
            "chart_unit": unit,
            "part_of_series_id": part_of,
            "caveat": caveat,
        }
        for sid, (name, group, unit, part_of, caveat) in SERIES.items()
    ]
    # A press aggregate of the same group: never charted as a customs series.
    rows.append({**rows[2], "series_id": "ga_ge_press", "series_kind": "press_aggregate"})
    return pd.DataFrame.from_records(rows)


def mart(rows: list[tuple]) -> pd.DataFrame:
    """(month, series, partner, tonnes[, months_covered[, measures_in_force[, regime]]])."""
    records = []
    for month, sid, partner, tonnes, *rest in rows:
        records.append(
            {
                "period_month": pd.Timestamp(month),
                "product_group": SERIES[sid][1],
                "series_id": sid,
                "partner_iso3": partner,
                "quantity_t": tonnes,
                "months_covered": rest[0] if len(rest) > 0 else 1,
                "product_codes": "test_code" if tonnes is not None else None,
                "measures_in_force": rest[1] if len(rest) > 1 else [],
                "policy_regime": rest[2] if len(rest) > 2 else "no_controls",
            }
        )
    return pd.DataFrame.from_records(records, columns=MART_COLUMNS)


MART_COLUMNS = (
    "period_month",
    "product_group",
    "series_id",
    "partner_iso3",
    "quantity_t",
    "months_covered",
    "product_codes",
    "measures_in_force",
    "policy_regime",
)


def figures(rows: list[tuple] = ()) -> pd.DataFrame:
    """(series, partner, first month, last month, tonnes[, period_kind[, is_selected]])."""
    records = []
    for sid, partner, first, last, tonnes, *rest in rows:
        first, last = pd.Timestamp(first), pd.Timestamp(last)
        records.append(
            {
                "series_id": sid,
                "product_group": SERIES[sid][1],
                "flow": "export",
                "series_kind": "customs",
                "partner_iso3": partner,
                "period_start_month": first,
                "period_end_month": last,
                "months_covered": (last.year - first.year) * 12 + last.month - first.month + 1,
                "period_kind": rest[0] if rest else "year",
                "quantity_t": tonnes,
                "is_selected": rest[1] if len(rest) > 1 else True,
            }
        )
    return pd.DataFrame.from_records(records, columns=FIGURE_COLUMNS)


FIGURE_COLUMNS = (
    "series_id",
    "product_group",
    "flow",
    "series_kind",
    "partner_iso3",
    "period_start_month",
    "period_end_month",
    "months_covered",
    "period_kind",
    "quantity_t",
    "is_selected",
)


def event_row(event_id: str, groups: list[str], **dates_and_fields) -> dict:
    row = {
        "event_id": event_id,
        "announced_date": None,
        "effective_date": None,
        "suspended_date": None,
        "suspension_end_date": None,
        "lifted_date": None,
        "status_unknown_from": None,
        "issuer": "MOFCOM",
        "announcement_no": None,
        "event_type": "export_control",
        "is_measure": True,
        "product_groups": groups,
        "targets": ["ALL"],
        "is_verified": True,
    }
    row.update(dates_and_fields)
    for column in (
        "announced_date",
        "effective_date",
        "suspended_date",
        "suspension_end_date",
        "lifted_date",
        "status_unknown_from",
    ):
        row[column] = pd.Timestamp(row[column]) if row[column] else pd.NaT
    return row


def events_frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows))


PARTNERS = pd.DataFrame.from_records(
    [
        {"partner_iso3": "WLD", "partner_name": "World", "partner_type": "world"},
        {"partner_iso3": "EUU", "partner_name": "European Union", "partner_type": "group"},
        {"partner_iso3": "USA", "partner_name": "United States", "partner_type": "country"},
        {"partner_iso3": "DEU", "partner_name": "Germany", "partner_type": "country"},
        {"partner_iso3": "JPN", "partner_name": "Japan", "partner_type": "country"},
    ]
)

# Six months of an invented rare-earth total, with a gap in March.
RARE_EARTHS = mart(
    [
        ("2025-01-01", "re_total", "WLD", 5000.0, 1, ["old_ban"], "regulated"),
        ("2025-02-01", "re_total", "WLD", 5200.0, 1, ["old_ban"], "regulated"),
        ("2025-03-01", "re_total", "WLD", None, 1, ["old_ban"], "regulated"),
        ("2025-04-01", "re_total", "WLD", 4100.0, 1, ["old_ban", "test_no_7"], "regulated"),
        ("2025-05-01", "re_total", "WLD", 4300.0, 1, ["old_ban", "test_no_7"], "regulated"),
        ("2025-06-01", "re_total", "WLD", 4700.0, 1, ["old_ban", "test_no_7"], "regulated"),
    ]
)
EVENTS = events_frame(
    event_row(
        "old_ban",
        ["rare_earths"],
        announced_date="2023-12-01",
        effective_date="2023-12-01",
        issuer="MOST",
        event_type="technology_ban",
    ),  # fmt: skip
    event_row(
        "test_no_7",
        ["rare_earths"],
        announced_date="2025-03-10",
        effective_date="2025-04-01",
        announcement_no="7",
    ),  # fmt: skip
    # Suspended before its effective date: it never came into force.
    event_row(
        "test_no_8",
        ["rare_earths"],
        announced_date="2025-05-02",
        effective_date="2025-06-15",
        suspended_date="2025-06-01",
        suspension_end_date="2026-06-01",
        announcement_no="8",
    ),  # fmt: skip
    # Another product group: must not appear on a rare-earth chart.
    event_row(
        "test_antimony",
        ["antimony"],
        announced_date="2025-02-01",
        effective_date="2025-02-01",
        announcement_no="99",
    ),  # fmt: skip
)
# A listing of Japanese entities: no product group (so every group), aimed at Japan only.
JAPAN_LISTING = event_row(
    "test_listing_jpn",
    [],
    announced_date="2025-02-10",
    effective_date="2025-02-10",
    announcement_no="3",
    event_type="entity_listing",
    targets=["JPN"],
)


def inputs(series=RARE_EARTHS, events=EVENTS, figure_rows=(), partners=PARTNERS) -> ChartInputs:
    return ChartInputs(series, figures(figure_rows), series_info(), events, partners)


def info(series_id: str):
    """The series as the charts know it (dim_series read by the chart code)."""
    group = SERIES[series_id][1]
    (found,) = [s for s in group_series(inputs(), group) if s.series_id == series_id]
    return found
