"""GENERATED GACC query-platform CSV exports, for benchmarks and tests only.

Nothing here is real customs data: every quantity and value comes from a seeded random
generator, and the README.txt written beside the files says so. The files follow the real
layout (domain-facts section 2) so that they go through the same reader as a user's download:
GBK, the Chinese header, quoted thousands separators, kilograms, trade-mode and province
columns, values in US dollars.

Speed matters (issue 6 benchmarks 10,000,000 rows on 2 cores), so:
- each month draws from its own seed, so output is reproducible byte for byte and a month
  (e.g. the "one new month" of the incremental benchmark) can be written on its own and comes
  out identical to the same month of a longer history;
- lines are assembled from small tables of pre-encoded GBK pieces (every Chinese cell is a
  product, partner, trade-mode or province name; numbers are ASCII, which GBK leaves as is),
  so no Python code and no text encoding runs per line;
- a month is formatted and written in chunks, so memory stays flat whatever its size.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration import settings
from orchestration.bench.synth_names import (
    CODE_NAMES_ZH,
    HEADING_NAMES_ZH,
    PROVINCES,
    TRADE_MODES,
)
from orchestration.extract.gacc.query_csv import HEADER_TO_COLUMN
from orchestration.extract.parsing import EARLIEST_YEAR
from orchestration.extract.plausibility import unit_value_bounds
from orchestration.progress import Progress

DEFAULT_SEED = 20251122
DEFAULT_START_MONTH = "2016-01"
FILE_PREFIX = "SYNTHETIC_gacc_query_"
README_NAME = "README.txt"
ENCODING = "gbk"
# Lines formatted at once: about 30 MB of line bytes per chunk, whatever the month's size.
CHUNK_ROWS = 250_000

# The full query layout, in the order the reader's header map (and the platform) lists it.
HEADER = ",".join([*HEADER_TO_COLUMN, "美元"])

_NATIONAL_CODE = re.compile(r"^\d{8}(\d{2})?$")
# Unit values stay this far inside the plausible range, so rounding never pushes a line out.
PRICE_MARGIN = 1.5
VALUE_MARGIN = 0.001
# Quantity spread within one product and month (log-normal sigma), and month-to-month swing.
LINE_SIGMA = 1.2
MONTH_SIGMA = 0.25
PRICE_SIGMA = 0.15
# A product's expected monthly total over all its lines: 20 t to 2,000 t, whatever the row
# count, so marts look plausible at any size (and stay far below the 1,000,000 t/month check).
MONTHLY_TOTAL_KG = (2e4, 2e6)
# Used only for a product group the expectation suite has no bounds for.
FALLBACK_BOUNDS = (1.0, 100.0)


@dataclass(frozen=True)
class Product:
    code: str
    group: str
    name_zh: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    low_usd_per_kg: float
    high_usd_per_kg: float

    def valid_in(self, month: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= month) and (
            self.valid_to is None or month <= self.valid_to
        )


def _optional_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def load_products() -> list[Product]:
    """National (8/10-digit) codes of the products seed whose first unit is kilograms."""
    bounds = unit_value_bounds()
    products = []
    path = settings.seed_path("products")
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["product_code"]
            if row["first_unit"] != "kg" or not _NATIONAL_CODE.match(code):
                continue
            low, high = bounds.get(row["product_group"], FALLBACK_BOUNDS)
            products.append(
                Product(
                    code=code,
                    group=row["product_group"],
                    name_zh=CODE_NAMES_ZH.get(code) or HEADING_NAMES_ZH.get(code[:6], "其他商品"),
                    valid_from=_optional_date(row.get("valid_from", "")),
                    valid_to=_optional_date(row.get("valid_to", "")),
                    low_usd_per_kg=low,
                    high_usd_per_kg=high,
                )
            )
    if not products:
        raise ValueError(f"{path} lists no 8- or 10-digit product code measured in kg")
    return products


def load_partner_names() -> list[str]:
    path = settings.seed_path("partner_names_zh")
    with path.open(encoding="utf-8") as handle:
        return [row["partner_name_zh"] for row in csv.DictReader(handle)]


def parse_start_month(text: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})-?(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"start month {text!r} is not YYYY-MM")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def rows_per_month(rows: int, months: int) -> list[int]:
    """Rows spread evenly; the first `rows % months` months take one more."""
    base, extra = divmod(rows, months)
    return [base + (1 if i < extra else 0) for i in range(months)]


def month_file_name(month: dt.date) -> str:
    return f"{FILE_PREFIX}{month:%Y%m}.csv"


@dataclass(frozen=True)
class _Catalog:
    """Everything that does not change from month to month, pre-encoded once."""

    products: list[Product]
    partner_cells: list[bytes]  # b"<partner code>,<partner name>," (partner code left empty)
    right_cells: np.ndarray  # trade mode x province: b"10,一般贸易,32,江苏省,"
    base_price: np.ndarray  # USD/kg per product, inside the plausible range
    monthly_total_kg: np.ndarray  # expected monthly total per product
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def build(cls, seed: int) -> _Catalog:
        products = load_products()
        partners = load_partner_names()
        prices, totals = [], []
        for product in products:
            # Seeded by the code, not by its position: adding a product to the seed leaves
            # every other product's figures unchanged.
            rng = np.random.default_rng([seed, 2, int(product.code)])
            low = product.low_usd_per_kg * PRICE_MARGIN
            high = product.high_usd_per_kg / PRICE_MARGIN
            prices.append(math.exp(rng.uniform(math.log(low), math.log(high))))
            totals.append(math.exp(rng.uniform(*map(math.log, MONTHLY_TOTAL_KG))))
        right = [
            f"{mode},{mode_name},{prov},{prov_name},".encode(ENCODING)
            for mode, mode_name in TRADE_MODES
            for prov, prov_name in PROVINCES
        ]
        return cls(
            products=products,
            partner_cells=[f",{name},".encode(ENCODING) for name in partners],
            right_cells=np.array(right, dtype=np.bytes_),
            base_price=np.array(prices),
            monthly_total_kg=np.array(totals),
            low=np.array([p.low_usd_per_kg for p in products]),
            high=np.array([p.high_usd_per_kg for p in products]),
        )

    def valid_products(self, month: dt.date) -> np.ndarray:
        return np.array([i for i, p in enumerate(self.products) if p.valid_in(month)], dtype=int)

    def combinations(self, month: dt.date) -> int:
        """Distinct (code, partner, trade mode, province) lines a month can hold."""
        return len(self.valid_products(month)) * len(self.partner_cells) * len(self.right_cells)


# Lookup tables for thousands formatting: the top group unpadded, lower groups as ",ddd".
_TOP_GROUP = np.array([str(i).encode() for i in range(1000)], dtype=np.bytes_)
_LOWER_GROUP = np.array([f",{i:03d}".encode() for i in range(1000)], dtype=np.bytes_)
_MAX_GROUPS = 6  # up to 999,999,999,999,999,999


def format_thousands(numbers: np.ndarray) -> np.ndarray:
    """Non-negative integers as the platform writes them: `950`, `"120,000"`, `"6,000,000"`.

    A number with a thousands separator must be quoted, or the comma would split the field.
    """
    numbers = numbers.astype(np.int64)
    if numbers.size and (numbers.min() < 0 or numbers.max() >= 1000**_MAX_GROUPS):
        raise ValueError("format_thousands takes integers from 0 to 10**18 - 1")
    groups = np.ones(numbers.shape, dtype=np.int8)
    for level in range(1, _MAX_GROUPS):
        groups += numbers >= 1000**level
    text = np.zeros(numbers.shape, dtype="S1")
    for level in range(int(groups.max(initial=1)) - 1, -1, -1):
        group = (numbers // 1000**level) % 1000
        piece = np.where(
            groups == level + 1,
            _TOP_GROUP[group],
            np.where(groups > level + 1, _LOWER_GROUP[group], b""),
        )
        text = np.strings.add(text, piece)
    return np.where(groups > 1, np.strings.add(np.strings.add(b'"', text), b'"'), text)


@dataclass(frozen=True)
class _MonthLines:
    """One month's lines as index and number arrays, before formatting."""

    product: np.ndarray  # index into the catalog's products
    partner: np.ndarray
    right: np.ndarray  # index into trade mode x province
    quantity_kg: np.ndarray
    value_usd: np.ndarray


def _too_many_rows(rows: int, month: dt.date, combinations: int) -> ValueError:
    return ValueError(
        f"{rows} rows for {month:%Y-%m} exceed the {combinations} distinct (code, partner, "
        "trade mode, province) lines a month can hold; the reader would quarantine repeated "
        "lines as duplicates: use more months or fewer rows"
    )


def _draw_month(catalog: _Catalog, month: dt.date, rows: int, seed: int) -> _MonthLines:
    valid = catalog.valid_products(month)
    partners, rights = len(catalog.partner_cells), len(catalog.right_cells)
    combinations = len(valid) * partners * rights
    if rows > combinations:
        raise _too_many_rows(rows, month, combinations)
    # Its own seed per month: months are independent and reproducible one at a time.
    rng = np.random.default_rng([seed, 1, month.year * 100 + month.month])
    # Sorted, so a file lists code by code and partner by partner, as the platform does.
    chosen = np.sort(rng.choice(combinations, size=rows, replace=False, shuffle=False))
    right = chosen % rights
    chosen //= rights
    partner = chosen % partners
    product = valid[chosen // partners]

    # Median line size such that each product's month adds up to about its monthly total.
    lines_per_product = max(rows / max(len(valid), 1), 1.0)
    month_swing = np.ones(len(catalog.products))
    month_swing[valid] = rng.lognormal(0.0, MONTH_SIGMA, len(valid))
    median_kg = (
        catalog.monthly_total_kg * month_swing / lines_per_product / math.exp(LINE_SIGMA**2 / 2)
    )
    quantity = np.rint(median_kg[product] * rng.lognormal(0.0, LINE_SIGMA, rows))
    quantity = np.clip(quantity, 1, 1e12)
    price = catalog.base_price[product] * rng.lognormal(0.0, PRICE_SIGMA, rows)
    # Whole dollars kept strictly inside the product group's range after rounding: the reader
    # quarantines a line whose USD/kg falls outside it.
    value = np.clip(
        np.rint(quantity * price),
        np.ceil(quantity * catalog.low[product] * (1 + VALUE_MARGIN)),
        np.floor(quantity * catalog.high[product] * (1 - VALUE_MARGIN)),
    )
    return _MonthLines(product, partner, right, quantity.astype(np.int64), value.astype(np.int64))


def _month_chunks(catalog: _Catalog, month: dt.date, lines: _MonthLines) -> Iterator[bytes]:
    """GBK bytes of the month's lines, CHUNK_ROWS at a time, each line ending in CRLF."""
    partners = len(catalog.partner_cells)
    # month, code, name, partner code, partner name: one pre-encoded cell per (product, partner).
    left_cells = np.array(
        [
            f"{month:%Y%m},{product.code},{product.name_zh},".encode(ENCODING) + partner_cell
            for product in catalog.products
            for partner_cell in catalog.partner_cells
        ],
        dtype=np.bytes_,
    )
    unit_cells = ",千克,,,".encode(ENCODING)  # unit, empty second quantity and unit
    for start in range(0, len(lines.product), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        text = np.strings.add(
            left_cells[lines.product[part] * partners + lines.partner[part]],
            catalog.right_cells[lines.right[part]],
        )
        text = np.strings.add(text, format_thousands(lines.quantity_kg[part]))
        text = np.strings.add(text, unit_cells)
        text = np.strings.add(text, format_thousands(lines.value_usd[part]))
        yield b"\r\n".join(text.tolist()) + b"\r\n"


def write_month(
    catalog: _Catalog, month: dt.date, rows: int, out: Path, seed: int = DEFAULT_SEED
) -> Path:
    """Write one month's file; written under a hidden name first, so a landing run that sees
    the folder mid-write never picks up half a file (hidden files are not landed)."""
    lines = _draw_month(catalog, month, rows, seed)
    path = out / month_file_name(month)
    partial = out / f".{path.name}.partial"
    with partial.open("wb") as handle:
        handle.write(HEADER.encode(ENCODING) + b"\r\n")
        for chunk in _month_chunks(catalog, month, lines):
            handle.write(chunk)
    os.replace(partial, path)
    return path


def _check_months(first: dt.date, months: int) -> list[dt.date]:
    if months < 1:
        raise ValueError("months must be at least 1")
    calendar = [add_months(first, i) for i in range(months)]
    this_month = dt.date.today().replace(day=1)
    if first.year < EARLIEST_YEAR or calendar[-1] > this_month:
        raise ValueError(
            f"months {calendar[0]:%Y-%m} to {calendar[-1]:%Y-%m} leave {EARLIEST_YEAR}-01 to "
            f"{this_month:%Y-%m}: the reader quarantines periods before {EARLIEST_YEAR} or in "
            "the future; choose another start month"
        )
    return calendar


def _readme(
    rows: int, calendar: Sequence[dt.date], counts: Sequence[int], seed: int, catalog: _Catalog
) -> str:
    return f"""GENERATED TEST / BENCHMARK DATA - NOT REAL CUSTOMS FIGURES

Every quantity and value in the {FILE_PREFIX}*.csv files of this folder was drawn from a
seeded random generator (orchestration/bench/synth.py, `ree-tracker synth`). They are not
GACC data and must never be copied into data/landing, published or cited.

Parameters: rows={rows} months={len(calendar)} start_month={calendar[0]:%Y-%m} seed={seed}
Files: {len(calendar)}, {month_file_name(calendar[0])} to {month_file_name(calendar[-1])},
{min(counts)} to {max(counts)} lines each. The same parameters give the same bytes.

Layout: the GACC query-platform CSV export (GBK, Chinese header, quoted thousands separators,
CRLF line ends), with trade-mode and province columns and values in US dollars (美元).
Codes: the {len(catalog.products)} 8/10-digit kilogram codes of dbt_project/seeds/products.csv.
Partners: the Chinese names of dbt_project/seeds/partner_names_zh.csv; 贸易伙伴编码 is left empty
(GACC's numeric partner codes are not verified in the project reference).
Trade modes: {", ".join(code for code, _ in TRADE_MODES)}; registration places: the 31
provincial-level divisions. Commodity names are approximate Chinese labels.
Every line is a distinct month x code x partner x trade mode x province; quantities are
log-normal kilograms; values are quantity x a unit price inside the product group's plausible
range (expectations/fct_monthly_exports.json), so the reader quarantines none of them.
"""


def write_synthetic_gacc(
    rows: int,
    months: int,
    out: Path,
    seed: int = DEFAULT_SEED,
    start_month: str = DEFAULT_START_MONTH,
    on_file_written: Callable[[Path, int], None] | None = None,
) -> list[Path]:
    """Write `months` monthly GENERATED GACC query exports holding `rows` lines in all, plus a
    README.txt saying what they are; return the CSV paths in month order. `on_file_written`
    hears of each file and its line count as it is done (the command's progress)."""
    if rows < 0:
        raise ValueError("rows must not be negative")
    embedded = (settings.PROJECT_ROOT / "data" / "landing").resolve()
    if Path(out).resolve().is_relative_to(embedded):
        raise ValueError(
            f"{out} is inside the embedded default data ({embedded}); generated data never "
            "goes there: write it somewhere else and point REE_LANDING_DIR at it"
        )
    calendar = _check_months(parse_start_month(start_month), months)
    counts = rows_per_month(rows, months)
    catalog = _Catalog.build(seed)
    # Check every month before writing any, so a bad request leaves no partial output.
    for month, count in zip(calendar, counts, strict=True):
        if count > catalog.combinations(month):
            raise _too_many_rows(count, month, catalog.combinations(month))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / README_NAME).write_text(_readme(rows, calendar, counts, seed, catalog), encoding="utf-8")
    paths = []
    for month, count in zip(calendar, counts, strict=True):
        paths.append(write_month(catalog, month, count, out, seed))
        if on_file_written is not None:
            on_file_written(paths[-1], count)
    return paths


def synth_main(
    rows: int,
    months: int,
    out: str,
    seed: int = DEFAULT_SEED,
    start_month: str = DEFAULT_START_MONTH,
) -> int:
    """`ree-tracker synth`: write the files and say what was written (exit status)."""
    started = time.perf_counter()
    try:
        with Progress(rows, "row", "synth") as progress:
            paths = write_synthetic_gacc(
                rows,
                months,
                Path(out),
                seed,
                start_month,
                on_file_written=lambda path, count: progress.advance(count, path.name),
            )
    except ValueError as error:
        print(f"ree-tracker synth: {error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    size = sum(path.stat().st_size for path in paths)
    print(
        f"wrote {len(paths)} GENERATED GACC query file(s), {rows:,} rows, {size / 1e6:,.1f} MB "
        f"in {elapsed:.1f} s"
    )
    print(f"  {paths[0].parent}: {paths[0].name} .. {paths[-1].name}")
    print(f"  {paths[0].parent / README_NAME} says they are generated test data (seed {seed})")
    return 0
