"""Policy events as a chart shows them: which events a chart marks, their dated steps
(announced, in force, suspended, status unknown ...) and the numbered key under the plot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

import pandas as pd

from orchestration.reports.model import (
    EVENT_COLUMNS,
    EVENTS_TABLE,
    WORLD,
    EventMarker,
    as_date,
    as_items,
    as_text,
    month_start,
    require_columns,
)

# The steps of an event, in the order a key lists steps of the same day.
ACTIONS = (
    "announced",
    "in force",
    "takes effect",
    "suspended",
    "suspension ends",
    "lifted",
    "status unknown from",
)


def event_label(event: pd.Series) -> str:
    """Short name of an event for a chart: the announcement number when it has one, and the
    partners it targets, e.g. "MOFCOM No. 1 [JPN]"."""
    issuer = as_text(event["issuer"])
    number = as_text(event["announcement_no"])
    event_type = as_text(event["event_type"])
    if number:
        label = f"{issuer} No. {number}"
    elif event_type == "trade_agreement":
        label = issuer
    else:
        label = f"{issuer} {event_type.replace('_', ' ')}".strip()
    targets = event_targets(event)
    if targets:
        label += f" [{', '.join(targets)}]"
    return label or as_text(event["event_id"])


def event_targets(event: pd.Series) -> list[str]:
    """The partners an event is aimed at; empty when it applies to every partner."""
    targets = as_items(event["targets"])
    return [] if "ALL" in targets else targets


def events_for_group(events: pd.DataFrame, product_group: str) -> pd.DataFrame:
    """The group's events; an event naming no product group (a listing of entities) applies
    to every group, as in the mart."""
    require_columns(events, EVENT_COLUMNS, EVENTS_TABLE)
    groups = events["product_groups"].map(as_items)
    applies = groups.map(lambda items: not items or product_group in items)
    return events[applies.astype(bool)]


def shown_with(event: pd.Series, partners_drawn: Collection[str]) -> bool:
    """An event aimed at some partners belongs on a chart only where the world (which they
    are part of) or one of those partners is drawn: a listing of Japanese entities says
    nothing about exports to Germany alone."""
    targets = event_targets(event)
    return not targets or WORLD in partners_drawn or bool(set(targets) & set(partners_drawn))


def _suspended_on(event: pd.Series, day: dt.date) -> bool:
    start, end = as_date(event["suspended_date"]), as_date(event["suspension_end_date"])
    return start is not None and start <= day and (end is None or day < end)


def _steps(event: pd.Series) -> list[tuple[str, dt.date | None]]:
    """A measure's effective date is a step "in force" only if the measure really took effect
    then (the mart's rule): one suspended or lifted before that date never came into force,
    and drawing it would claim a restriction that did not happen."""
    effective = as_date(event["effective_date"])
    lifted = as_date(event["lifted_date"])
    steps = [("announced", as_date(event["announced_date"]))]
    if effective is not None and bool(event["is_measure"]):
        if not _suspended_on(event, effective) and (lifted is None or effective < lifted):
            steps.append(("in force", effective))
    elif effective is not None:
        steps.append(("takes effect", effective))
    steps += [
        ("suspended", as_date(event["suspended_date"])),
        ("suspension ends", as_date(event["suspension_end_date"])),
        ("lifted", lifted),
        # From here on nobody has recorded what became of the event (a suspension ran out).
        ("status unknown from", as_date(event["status_unknown_from"])),
    ]
    return steps


def event_markers(
    events: pd.DataFrame,
    product_group: str,
    first_day: dt.date,
    last_day: dt.date,
    partners_drawn: Collection[str] = (WORLD,),
) -> list[EventMarker]:
    """The dated steps, between two days, of the group's events that belong on a chart
    drawing `partners_drawn`, in date order."""
    markers = []
    for _, event in events_for_group(events, product_group).iterrows():
        if not shown_with(event, partners_drawn):
            continue
        label = event_label(event)
        for action, day in _steps(event):
            if day is not None and first_day <= day <= last_day:
                markers.append(EventMarker(day, action, str(event["event_id"]), label))
    return sorted(markers, key=lambda m: (m.day, ACTIONS.index(m.action), m.label))


def cluster_by_month(markers: Sequence[EventMarker]) -> list[list[EventMarker]]:
    """Markers of one calendar month share one numbered tag: the data are monthly, and tags a
    few days apart would print on top of each other."""
    clusters: dict[dt.date, list[EventMarker]] = {}
    for marker in markers:
        clusters.setdefault(month_start(marker.day), []).append(marker)
    return [clusters[month] for month in sorted(clusters)]


def key_entry(number: int, cluster: Sequence[EventMarker]) -> str:
    """'[3] 4 Apr 2025: MOFCOM+GACC No. 18 announced, in force' for one month's markers;
    events sharing a day and the same steps are listed together."""
    by_day: dict[dt.date, dict[str, list[str]]] = {}
    for marker in cluster:
        by_day.setdefault(marker.day, {}).setdefault(marker.label, []).append(marker.action)
    parts = []
    for day, actions_by_label in by_day.items():
        by_actions: dict[tuple[str, ...], list[str]] = {}
        for label, actions in actions_by_label.items():
            by_actions.setdefault(tuple(actions), []).append(label)
        phrases = [
            f"{', '.join(labels)} {', '.join(actions)}" for actions, labels in by_actions.items()
        ]
        parts.append(f"{day.day} {day:%b %Y}: {'; '.join(phrases)}")
    return f"[{number}] " + "; ".join(parts)


def in_force_at_start(rows: pd.DataFrame, events: pd.DataFrame, first_day: dt.date) -> str:
    """The measures already in force when the chart starts (the mart's measures_in_force of
    its first month), so a chart that starts after a measure does not look like a period
    without controls."""
    if rows.empty:
        return ""
    first_month = min(as_date(day) for day in rows["period_month"])
    first = rows[rows["period_month"].map(as_date) == first_month]
    ids = sorted({item for cell in first["measures_in_force"] for item in as_items(cell)})
    labels = []
    for event_id in ids:
        event = events[events["event_id"] == event_id]
        if event.empty:
            continue
        row = event.iloc[0]
        effective = as_date(row["effective_date"])
        if effective is not None and effective < first_day:
            labels.append(f"{event_label(row)} (since {effective.day} {effective:%b %Y})")
    if not labels:
        return ""
    return f"In force before {first_day:%b %Y}: " + "; ".join(labels)
