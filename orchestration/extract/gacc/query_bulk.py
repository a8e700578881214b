"""Landing query-platform CSV exports through DuckDB's own CSV reader.

The line-by-line reader (query_csv.read) holds every rule about what a good line is, and it
is the only place that words a quarantine reason. It runs at Python speed, though, which at
full GACC detail (tens of millions of lines) is two orders of magnitude slower than DuckDB
reading the same file. So landing tries this path first:

1. copy each file as UTF-8 with its line number in front of every line (glibc's iconv piped
   into awk, one pair of processes per file so both cores share the work; Python where
   either is missing): DuckDB reads GBK only through a slow extension, and its CSV reader
   has no line numbers (numbering the scan with a window halved the speed);
2. in one streaming pass of DuckDB's CSV reader over a batch of files (every cell as text,
   strict: a ragged line is an error, not a padded row), ask of each file whether ANY line
   would be rejected by the line-by-line rules or is one this path cannot vouch for (see
   _check_sql below);
3. read the files nobody doubts again, in one statement, straight into the raw table,
   converted exactly as the line-by-line reader converts. Reading twice costs less than
   holding the files in a staging table: DuckDB scans a CSV several times faster than it
   materializes one. One statement over many files lets DuckDB read them on both cores and
   commit them together, which at 83,000-line files is most of the speed-up over a file at
   a time.

A file the check doubts, or cannot read, is left out of the batch and the caller reads it line
by line instead, which quarantines the bad lines with their reasons. This path is therefore
allowed to be stricter than the line-by-line reader, never looser: a test lands every broken
extract of the bad-input corpus both ways and compares.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb

from orchestration.extract import plausibility
from orchestration.extract.contract import BulkBatch, Provenance, UnreadableFile
from orchestration.extract.gacc.query_header import COLUMNS, QueryHeader
from orchestration.extract.parsing import EARLIEST_YEAR
from orchestration.extract.text_encoding import decode_first_line
from orchestration.extract.units import tonnes_per_unit_sql

CHUNK_BYTES = 8 << 20
HEAD_BYTES = 64 << 10

# The line-by-line reader accepts numbers Python's float() parses, which includes spellings
# (exponents, underscores, "inf") that DuckDB casts differently or not at all. This path takes
# plain decimals only; anything else goes to the line-by-line reader to decide.
PLAIN_DECIMAL = r"^[0-9]+(\.[0-9]+)?$"
EMPTY_NUMBER = ("", "-", "--")
# The line reader strips cells with str.strip(), which removes every character Python calls
# whitespace; DuckDB's trim() removes the ASCII space only. A cell that still has one of the
# others at an end after trim() goes line by line.
PYTHON_SPACES_BUT_SPACE = (
    r"\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)
ODD_SPACE_AT_A_CELL_END = (
    f"\\x{{01}} *[{PYTHON_SPACES_BUT_SPACE}]|[{PYTHON_SPACES_BUT_SPACE}] *\\x{{01}}"
)


@contextlib.contextmanager
def clean_batch_loader(
    conn: duckdb.DuckDBPyConnection, paths: Sequence[Path]
) -> Iterator[BulkBatch]:
    """Check a batch of query exports with DuckDB; yields which files it vouches for (with
    their line counts) and a function inserting all lines of any of those into a raw table.

    The check runs before the caller's landing transactions: a DuckDB error aborts the
    transaction it happens in, and an error here only means "line by line, then".
    """
    _ensure_bounds_table(conn)
    with tempfile.TemporaryDirectory(prefix="ree-gacc-") as folder:
        staged = _numbered_copies(paths, Path(folder))
        by_layout: dict[str, list[Path]] = {}
        for path, (_, header) in staged.items():
            by_layout.setdefault(_clean_columns_sql(header), []).append(path)
        line_counts: dict[Path, int] = {}
        for members in by_layout.values():
            line_counts.update(_clean_lines(conn, {path: staged[path] for path in members}))

        def insert(raw_table: str, files: Sequence[tuple[Path, Provenance]]) -> None:
            """One statement per header layout (a batch almost always has one)."""
            for members in by_layout.values():
                chosen = [(path, provenance) for path, provenance in files if path in members]
                if chosen:
                    _insert_files(conn, raw_table, chosen, staged)

        yield BulkBatch(line_counts=line_counts, insert=insert)


def _file_parameters(copies: Sequence[tuple[Path, QueryHeader]]) -> dict[str, list[str]]:
    """The numbered copies a statement reads ($paths) and, for a header without a month
    column, each file's month from its path ($periods, YYYYMM) in the same order."""
    parameters = {"paths": [str(copy) for copy, _ in copies]}
    if "period_yyyymm" not in copies[0][1].positions:
        parameters["periods"] = [f"{header.file_period:%Y%m}" for _, header in copies]
    return parameters


def _insert_files(
    conn: duckdb.DuckDBPyConnection,
    raw_table: str,
    files: Sequence[tuple[Path, Provenance]],
    staged: dict[Path, tuple[Path, QueryHeader]],
) -> None:
    header = staged[files[0][0]][1]
    conn.execute(
        _insert_sql(raw_table, header),
        {
            **_file_parameters([staged[path] for path, _ in files]),
            "source_files": [provenance.source_file for _, provenance in files],
            "content_hashes": [provenance.content_hash for _, provenance in files],
            # one batch, one load time (ties between its files break on the file name)
            "loaded_at": files[0][1].loaded_at,
        },
    )


def _first_line(path: Path) -> tuple[str | None, str]:
    """The header line and the file's codec, as the line-by-line reader would decide it."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if b"\n" not in head:  # no line end within the head: an unusual file
        return None, ""
    return decode_first_line(head) or (None, "")


def _numbered_copies(paths: Sequence[Path], folder: Path) -> dict[Path, tuple[Path, QueryHeader]]:
    """Each file DuckDB can read, with its header: a UTF-8 copy in `folder` whose every line
    starts with its line number and a comma. Files whose header or bytes do not qualify are
    left out (the line-by-line reader words why)."""
    started = []
    for number, path in enumerate(paths):
        header_line, encoding = _first_line(path)
        try:
            header = QueryHeader.for_file(next(csv.reader([header_line or ""]), []), path)
        except UnreadableFile:
            continue
        target = folder / f"{number}.csv"
        started.append(
            (path, target, header, encoding, start_numbered_copy(path, target, encoding))
        )
    staged = {}
    for path, target, header, encoding, processes in started:
        if finish_numbered_copy(path, target, encoding, processes):
            staged[path] = (target, header)
    return staged


# awk numbers records split at "\n" only, as _physical_lines counts them (a "\r" stays in
# its line); the C locale keeps it byte-for-byte.
NUMBER_LINES = ["-v", "OFS=,", "{ print NR, $0 }"]


def start_numbered_copy(source: Path, target: Path, encoding: str) -> list[subprocess.Popen] | None:
    """iconv piped into awk writing the numbered copy, in the background; None where either
    is missing. Arguments are passed as a list, never through a shell."""
    iconv, awk = shutil.which("iconv"), shutil.which("awk")
    if not iconv or not awk:
        return None
    decode = subprocess.Popen(
        [iconv, "-f", encoding.upper(), "-t", "UTF-8", str(source)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    with target.open("wb") as output:
        number = subprocess.Popen(
            [awk, *NUMBER_LINES],
            stdin=decode.stdout,
            stdout=output,
            stderr=subprocess.DEVNULL,
            env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "")},
        )
    decode.stdout.close()  # awk holds the pipe now; iconv sees it close if awk dies
    return [decode, number]


def finish_numbered_copy(
    source: Path, target: Path, encoding: str, processes: list[subprocess.Popen] | None
) -> bool:
    if processes is not None:
        return all(process.wait() == 0 for process in processes)
    # No multi-byte GB18030 or UTF-8 character contains the byte "\n", so each line decodes
    # on its own.
    try:
        with source.open("rb") as reader, target.open("wb") as writer:
            for number, line in enumerate(reader, start=1):
                text = line.decode(encoding).removesuffix("\n")
                writer.write(f"{number},{text}\n".encode())
    except UnicodeDecodeError:
        return False
    return True


def _physical_lines(path: Path) -> int:
    lines, last = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (1 if last not in (b"", b"\n") else 0)


def _scan(width: int) -> str:
    """DuckDB's CSV reader over numbered copies ($paths): the line number, then every cell as
    text, with the copy each line came from (filename)."""
    columns = ", ".join(["'line_number': 'INTEGER'", *(f"'c{i}': 'VARCHAR'" for i in range(width))])
    return (
        f"read_csv($paths, header = true, auto_detect = false, columns = {{{columns}}}, "
        "delim = ',', quote = '\"', escape = '\"', strict_mode = true, encoding = 'utf-8', "
        "filename = true)"
    )


def _clean_lines(
    conn: duckdb.DuckDBPyConnection, staged: dict[Path, tuple[Path, QueryHeader]]
) -> dict[Path, int]:
    """The files (of one header layout) whose every line passes, with their line counts."""
    header = next(iter(staged.values()))[1]
    copies = {str(copy): path for path, (copy, _) in staged.items()}
    try:
        found = conn.execute(_check_sql(header), _file_parameters(list(staged.values()))).fetchall()
    except duckdb.Error:  # a ragged line, bad UTF-8: in which file, one at a time tells
        if len(staged) == 1:
            return {}
        clean: dict[Path, int] = {}
        for path, copy in staged.items():
            clean.update(_clean_lines(conn, {path: copy}))
        return clean
    # A file with a header and no lines yields no group at all.
    checked = {copy: (0, 0, 0) for copy in copies}
    checked.update({copy: tuple(counts) for copy, *counts in found})
    clean = {}
    for copy, (lines, doubted, distinct_keys) in checked.items():
        # Blank lines, quoted line breaks and other shapes where a record is not exactly one
        # physical line would shift line numbers: line by line decides those. So do repeated
        # lines (one line per month, code, partner, trade mode and province).
        if lines == _physical_lines(Path(copy)) - 1 and not doubted and distinct_keys == lines:
            clean[copies[copy]] = int(lines)
    return clean


def _cell(header: QueryHeader, column: str) -> str:
    """The staged cell of a raw column, '' when absent, as the line reader's cell() sees it."""
    index = header.positions.get(column)
    return f"trim(coalesce(c{index}, ''))" if index is not None else "''"


def _number(cell_sql: str) -> str:
    return f"replace(replace({cell_sql}, ',', ''), ' ', '')"


# Raw columns landed as text, as stripped: the only ones where a space Python's strip() would
# remove and DuckDB's trim() keeps could reach the raw table (codes, units, months and numbers
# must match a pattern, which such a space fails).
VERBATIM_TEXT = (
    "commodity_name",
    "partner_code",
    "partner_name",
    "trade_mode_code",
    "trade_mode_name",
    "province_code",
    "province_name",
    "unit_2",
)


def _clean_columns_sql(header: QueryHeader) -> str:
    """Each raw column's cleaned text, with the copy and line it came from, from one scan.

    A header without a month column takes each file's month from $periods (see
    _file_parameters), joined on the copy the line came from.
    """
    cells = {column: _cell(header, column) for column in COLUMNS}
    source = _scan(header.width)
    if "period_yyyymm" not in header.positions:
        cells["period_yyyymm"] = "file_periods.period_yyyymm"
        source += (
            " as scan inner join (select unnest($paths) as filename, "
            "unnest($periods) as period_yyyymm) as file_periods using (filename)"
        )
    value = f"trim(coalesce(c{header.value_index}, ''))"
    selected = ",\n".join(f"{sql} as {column}" for column, sql in cells.items())
    verbatim = [f"c{header.positions[c]}" for c in VERBATIM_TEXT if c in header.positions]
    # The untrimmed text cells between \x01 marks (no space to Python, unlike the unit
    # separator), so one regex looks at the ends of all of them.
    listed = ", ".join(verbatim) or "''"
    text_cells = f"chr(1) || concat_ws(chr(1), {listed}) || chr(1)"
    return f"""
        select
            filename,
            line_number,
            {selected},
            {value} as value_text,
            replace(replace({cells["commodity_code"]}, '.', ''), ' ', '') as code,
            {text_cells} as text_cells
        from {source}
    """


BOUNDS_TABLE = "temp.main.gacc_unit_value_bounds"


def _ensure_bounds_table(conn: duckdb.DuckDBPyConnection) -> None:
    """The products seed's unit-value bounds by code, once per connection (a join against a
    small table plans faster than an inline list in every file's query)."""
    conn.execute(
        f"create temp table if not exists {BOUNDS_TABLE.removeprefix('temp.main.')} "
        "(code varchar, low double, high double)"
    )
    if not conn.execute(f"select count(*) from {BOUNDS_TABLE}").fetchone()[0]:
        rows = plausibility.unit_value_bounds_by_code()
        if rows:
            conn.executemany(f"insert into {BOUNDS_TABLE} values (?, ?, ?)", rows)


def _in_doubt_sql(header: QueryHeader) -> str:
    """Whether a line of `bounded` (see _check_sql) is in doubt, as one SQL expression."""
    empties = ", ".join(f"'{text}'" for text in EMPTY_NUMBER)
    usd = "true" if header.currency == "USD" else "false"
    this_month = dt.date.today().replace(day=1).isoformat()
    return f"""
                regexp_matches(text_cells, '{ODD_SPACE_AT_A_CELL_END}')
                or not month_shape_ok
                or month_number not between 1 and 12
                or year_number < {EARLIEST_YEAR}
                or make_date(year_number, least(greatest(month_number, 1), 12), 1)
                    > date '{this_month}'
                or not regexp_matches(code, '^[0-9]{{8}}([0-9]{{2}})?$')
                or partner_name = ''
                or not regexp_matches(quantity_1_clean, '{PLAIN_DECIMAL}')
                or not (quantity_2_clean in ({empties})
                    or regexp_matches(quantity_2_clean, '{PLAIN_DECIMAL}'))
                or not (value_clean in ({empties})
                    or regexp_matches(value_clean, '{PLAIN_DECIMAL}'))
                or tonnes_per_unit is null
                or coalesce(
                    {usd}
                    and value_clean not in ({empties})
                    and cast(quantity_1_clean as double) > 0
                    and bound_low is not null
                    -- as plausibility.implausible_unit_value computes it, operation by operation
                    and (cast(value_clean as double) / (cast(quantity_1_clean as double)
                        * tonnes_per_unit * 1000))
                        not between bound_low and bound_high,
                    true
                )
    """


def _check_sql(header: QueryHeader) -> str:
    """Lines, lines in doubt and distinct line keys of each file, in one pass over them all.

    A line is in doubt when it breaks a rule of query_csv._parse_row / parse_records, or is
    one this path will not vouch for: the month is YYYYMM or YYYY-MM, months 01-12, 1990 to
    this month; the code has 8 or 10 digits once dots and spaces go; the partner name is not
    empty; quantities and the value are plain decimals (the second quantity and the value may
    be empty or "-"); the unit is one we can convert; the unit value is plausible; no text cell
    ends in a space Python's strip() would remove and DuckDB's trim() keeps. (A blank line has
    no partner, so it is in doubt too.)
    """
    month_shape = "'^[0-9]{4}-?[0-9]{2}$'"
    return f"""
        with lines as ({_clean_columns_sql(header)}),
        typed as (
            select
                *,
                regexp_matches(period_yyyymm, {month_shape}) as month_shape_ok,
                case when regexp_matches(period_yyyymm, {month_shape})
                    then cast(right(period_yyyymm, 2) as integer) end as month_number,
                case when regexp_matches(period_yyyymm, {month_shape})
                    then cast(left(period_yyyymm, 4) as integer) end as year_number,
                {_number("quantity_1")} as quantity_1_clean,
                {_number("quantity_2")} as quantity_2_clean,
                {_number("value_text")} as value_clean,
                {tonnes_per_unit_sql("unit_1")} as tonnes_per_unit
            from lines
        ),
        bounded as (
            -- The exact code's group when the products seed lists the code, else its HS6's.
            select
                typed.*,
                case when exact.code is not null then exact.low else hs6.low end as bound_low,
                case when exact.code is not null then exact.high else hs6.high end as bound_high
            from typed
            left join {BOUNDS_TABLE} as exact on typed.code = exact.code
            left join {BOUNDS_TABLE} as hs6 on left(typed.code, 6) = hs6.code
        ),
        judged as (
            select
                *,
                {_in_doubt_sql(header)} as in_doubt
            from bounded
        )
        select
            filename,
            count(*),
            count(*) filter (where in_doubt),
            -- the line reader's key: the month as a date, so 202403 and 2024-03 are one month
            -- (a hash collision can only make a false repeat, which goes line by line)
            count(distinct hash(
                year_number, month_number, code, partner_name, trade_mode_code, province_code
            ))
        from judged
        group by filename
    """


def _insert_sql(raw_table: str, header: QueryHeader) -> str:
    def text_or_null(column: str) -> str:
        return f"nullif({column}, '')"

    def optional_number(column: str) -> str:
        cleaned = _number(column)
        empties = ", ".join(f"'{text}'" for text in EMPTY_NUMBER)
        return f"case when {cleaned} in ({empties}) then null else cast({cleaned} as double) end"

    return f"""
        insert into {raw_table} by name
        select
            make_date(cast(left(period_yyyymm, 4) as integer),
                cast(right(period_yyyymm, 2) as integer), 1) as period_month,
            code as commodity_code,
            {text_or_null("commodity_name")} as commodity_name,
            {text_or_null("partner_code")} as partner_code,
            partner_name,
            {text_or_null("trade_mode_code")} as trade_mode_code,
            {text_or_null("trade_mode_name")} as trade_mode_name,
            {text_or_null("province_code")} as province_code,
            {text_or_null("province_name")} as province_name,
            cast({_number("quantity_1")} as double) as quantity_1,
            unit_1,
            {optional_number("quantity_2")} as quantity_2,
            {text_or_null("unit_2")} as unit_2,
            {optional_number("value_text")} as value,
            '{header.currency}' as value_currency,
            batch_files.source_file as _source_file,
            batch_files.content_hash as _content_hash,
            lines.line_number as _row_number,
            $loaded_at as _loaded_at
        from ({_clean_columns_sql(header)}) as lines
        inner join (
            select
                unnest($paths) as filename,
                unnest($source_files) as source_file,
                unnest($content_hashes) as content_hash
        ) as batch_files on lines.filename = batch_files.filename
    """
