"""Small, strict parsers shared by the customs readers.

Each returns the parsed value or raises ValueError with a message a user can act on; the
readers turn that message into a quarantined row naming the file, row and field.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"^(\d{4})-?(\d{2})$")
EARLIEST_YEAR = 1990


def parse_number(text: str, *, allow_negative: bool = False) -> float:
    """A number as customs files write it: thousands separators and surrounding spaces allowed."""
    cleaned = text.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if cleaned in {"", "-", "--"}:
        raise ValueError("is empty")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{text.strip()!r} is not a finite number")
    if value < 0 and not allow_negative:
        raise ValueError(f"{text.strip()!r} is negative")
    return value


def parse_optional_number(text: str, *, allow_negative: bool = False) -> float | None:
    if text.strip() in {"", "-", "--"}:
        return None
    return parse_number(text, allow_negative=allow_negative)


def parse_month(text: str, today: dt.date | None = None) -> dt.date:
    """YYYY-MM or YYYYMM to the first day of that month; 1990 to the current month only."""
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(f"{text.strip()!r} is not a month (expected YYYYMM or YYYY-MM)")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"{text.strip()!r} has month {month:02d}, outside 01-12")
    first_day = dt.date(year, month, 1)
    today = today or dt.date.today()
    if year < EARLIEST_YEAR:
        raise ValueError(f"{text.strip()!r} is before {EARLIEST_YEAR}")
    if first_day > today.replace(day=1):
        raise ValueError(f"{text.strip()!r} is in the future")
    return first_day


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"true", "1", "yes"}:
        return True
    if value in {"false", "0", "no"}:
        return False
    raise ValueError(f"{text.strip()!r} is not true or false")


def iter_csv_records(text: str):
    """(line number, fields or None, error or None) for each CSV record of `text`.

    A record the csv module cannot parse (a field over the size limit, say) comes back as an
    error instead of ending the file, so the lines after it still land.
    """
    import csv
    import io

    reader = csv.reader(io.StringIO(text))
    records = iter(reader)
    while True:
        try:
            values = next(records)
        except StopIteration:
            return
        except csv.Error as error:
            yield reader.line_num, None, f"could not be read as CSV ({error})"
            continue
        yield reader.line_num, values, None
