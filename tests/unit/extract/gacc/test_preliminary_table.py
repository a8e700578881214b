import datetime as dt

import duckdb
import pytest

from orchestration.extract.contract import UnreadableFile
from orchestration.extract.gacc.preliminary_html import (
    GACC_PRELIMINARY_HTML,
    confirms_html,
    read_html,
    recognizes_html,
)
from orchestration.extract.gacc.preliminary_xlsx import (
    GACC_PRELIMINARY_XLSX,
    confirms_xlsx,
    read_xlsx,
)
from orchestration.landing.store import land_kinds
from tests.fixtures.gacc_files import FULL_HEADER, write_gacc_file
from tests.fixtures.gacc_preliminary import (
    BROKEN_LINES,
    CLEAN_LINES,
    PRELIMINARY_FIRST_LINE_ROW,
    PRELIMINARY_MERGES,
    RARE_EARTHS_JAN_JUN_2025_T,
    RARE_EARTHS_JUNE_2025_T,
    TITLE,
    TWO_LINE_COMMODITIES,
    TWO_LINE_TITLE,
    TWO_LINE_UNKNOWN_UNIT,
    line_of,
    preliminary_html,
    preliminary_html_flat,
    preliminary_workbook_rows,
    two_line_table_html,
    two_line_table_rows,
    write_workbook,
)

JUNE_2025 = dt.date(2025, 6, 1)


def _write(tmp_path, text, name="table.html"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _by_commodity(parsed):
    return {row["commodity"]: row for row in parsed.rows}


def test_a_two_row_header_page_lands_every_commodity_line(tmp_path):
    parsed = read_html(_write(tmp_path, preliminary_html()))
    assert parsed.rejects == []
    assert [row["commodity"] for row in parsed.rows] == [
        "Rare earths",
        "Steel products",
        "Unwrought aluminium and aluminium products",
        "of which: Aluminium plates",
        "Machinery and electronic products",
    ]


def test_the_rare_earths_line_keeps_month_and_january_to_month_figures_as_reported(tmp_path):
    text = preliminary_html()
    rare_earths = _by_commodity(read_html(_write(tmp_path, text)))["Rare earths"]
    assert rare_earths == {
        "report_month": JUNE_2025,
        "commodity": "Rare earths",
        "unit": "ton",
        "month_quantity": RARE_EARTHS_JUNE_2025_T,
        "month_value": 48310.0,
        "ytd_quantity": RARE_EARTHS_JAN_JUN_2025_T,
        "ytd_value": 190420.0,
        "value_currency": "USD",
        "value_multiplier": 1000.0,
        "table_title": TITLE,
        "_row_number": line_of(text, "<td>Rare earths"),
    }


def test_a_dash_is_no_figure_and_percentage_changes_are_not_taken_for_figures(tmp_path):
    rows = _by_commodity(read_html(_write(tmp_path, preliminary_html())))
    machinery = rows["Machinery and electronic products"]
    assert machinery["unit"] is None and machinery["month_quantity"] is None
    assert (machinery["month_value"], machinery["ytd_value"]) == (128450000.0, 742100000.0)
    plates = rows["of which: Aluminium plates"]
    assert (plates["ytd_quantity"], plates["ytd_value"]) == (None, None)


def test_columns_are_found_by_their_words_in_any_order(tmp_path):
    parsed = read_html(_write(tmp_path, preliminary_html_flat()))
    assert parsed.rejects == []
    rare_earths = _by_commodity(parsed)["Rare earths"]
    assert rare_earths["report_month"] == JUNE_2025
    assert (rare_earths["month_quantity"], rare_earths["month_value"]) == (7742.2, 48310.0)
    assert (rare_earths["ytd_quantity"], rare_earths["ytd_value"]) == (31500.0, 190420.0)
    assert (rare_earths["value_currency"], rare_earths["value_multiplier"]) == ("USD", 1000.0)
    assert rare_earths["table_title"] == "Major Export Commodities in Quantity and Value, 6/2025"


@pytest.mark.parametrize(
    ("value_header", "currency", "multiplier"),
    [
        ("Value (USD 1,000)", "USD", 1000.0),
        ("Value (1,000 US$)", "USD", 1000.0),
        ("Value (RMB 10,000)", "CNY", 10000.0),
        ("Value (RMB 1,000)", "CNY", 1000.0),
        ("Value (US dollars)", "USD", 1.0),
    ],
)
def test_values_are_labelled_with_the_currency_and_multiplier_the_header_states(
    tmp_path, value_header, currency, multiplier
):
    parsed = read_html(_write(tmp_path, preliminary_html(value_header=value_header)))
    assert {(r["value_currency"], r["value_multiplier"]) for r in parsed.rows} == {
        (currency, multiplier)
    }


def test_the_value_unit_may_come_from_the_table_caption(tmp_path):
    text = preliminary_html(value_header="Value", caption="(In US$ 1,000)")
    row = read_html(_write(tmp_path, text)).rows[0]
    assert (row["value_currency"], row["value_multiplier"]) == ("USD", 1000.0)


@pytest.mark.parametrize(
    "title",
    [
        "China's Exports of Major Commodities in June 2025",
        "Major Export Commodities in Quantity and Value (2025.06)",
        "Major Export Commodities in Quantity and Value, January-June 2025",
        "Major Export Commodities in Quantity and Value, 6/2025",
    ],
)
def test_the_report_month_is_read_from_the_title_however_it_is_written(tmp_path, title):
    parsed = read_html(_write(tmp_path, preliminary_html(title=title)))
    assert {row["report_month"] for row in parsed.rows} == {JUNE_2025}
    assert {row["table_title"] for row in parsed.rows} == {title}


def test_broken_lines_are_quarantined_with_line_field_and_reason_and_good_lines_kept(tmp_path):
    text = preliminary_html([*CLEAN_LINES, *BROKEN_LINES])
    parsed = read_html(_write(tmp_path, text))
    assert len(parsed.rows) == len(CLEAN_LINES)
    rejects = {(r.row_number, r.field, r.reason) for r in parsed.rejects}
    assert rejects == {
        (line_of(text, "Antimony oxides"), "June Quantity", "'abc' is not a number"),
        (
            line_of(text, "Tungsten products"),
            "January-June Value (USD 1,000)",
            "'-180,000' is negative",
        ),
        (line_of(text, "<td></td><td>ton</td><td>10<"), "Commodity", "is empty"),
    }
    assert all("|" in r.raw_text for r in parsed.rejects)


def test_a_table_whose_title_names_no_month_is_rejected_whole(tmp_path):
    path = _write(tmp_path, preliminary_html(title=None))
    with pytest.raises(UnreadableFile, match="no report month in the table's title"):
        read_html(path)


def test_a_value_header_without_a_currency_is_rejected_whole_and_named(tmp_path):
    path = _write(tmp_path, preliminary_html(value_header="Value"))
    with pytest.raises(UnreadableFile, match=r"value column 'June Value'"):
        read_html(path)


def test_a_column_month_that_contradicts_the_title_is_rejected_whole(tmp_path):
    path = _write(tmp_path, preliminary_html(month="May", ytd="January-May"))
    with pytest.raises(UnreadableFile, match="does not end in the title's month June 2025"):
        read_html(path)


def test_a_page_without_the_table_is_a_clear_file_error(tmp_path):
    path = _write(tmp_path, "<html><body><p>Major Export Commodities</p></body></html>")
    with pytest.raises(UnreadableFile, match="no table with a Commodity column"):
        read_html(path)


def test_an_excel_table_with_merged_two_row_header_lands_with_excel_row_numbers(tmp_path):
    path = write_workbook(
        tmp_path / "june.xlsx", preliminary_workbook_rows(), merges=PRELIMINARY_MERGES
    )
    parsed = read_xlsx(path)
    assert parsed.rejects == []
    assert len(parsed.rows) == len(CLEAN_LINES)
    first = parsed.rows[0]
    assert first["_row_number"] == PRELIMINARY_FIRST_LINE_ROW
    assert (first["commodity"], first["month_quantity"]) == ("Rare earths", 7742.2)
    assert (first["report_month"], first["value_currency"], first["value_multiplier"]) == (
        JUNE_2025,
        "USD",
        1000.0,
    )
    assert first["table_title"] == "China's Exports of Major Commodities in June 2025"


def test_an_excel_table_without_merged_cells_reads_the_same(tmp_path):
    merged = read_xlsx(
        write_workbook(tmp_path / "m.xlsx", preliminary_workbook_rows(), merges=PRELIMINARY_MERGES)
    )
    plain = read_xlsx(write_workbook(tmp_path / "p.xlsx", preliminary_workbook_rows()))
    assert plain.rows == merged.rows


def test_broken_excel_lines_point_at_their_excel_row(tmp_path):
    path = write_workbook(
        tmp_path / "broken.xlsx", preliminary_workbook_rows([*CLEAN_LINES, *BROKEN_LINES[:2]])
    )
    rejects = {(r.row_number, r.field) for r in read_xlsx(path).rejects}
    first_broken = PRELIMINARY_FIRST_LINE_ROW + len(CLEAN_LINES)
    assert rejects == {(first_broken, "June Quantity"), (first_broken + 1, "January-June Value")}


def test_a_query_download_is_not_read_as_a_preliminary_table(tmp_path):
    path = write_workbook(tmp_path / "query.xlsx", [FULL_HEADER.split(",")])
    assert not confirms_xlsx(path)
    with pytest.raises(UnreadableFile, match="gacc_query_xlsx"):
        read_xlsx(path)


def test_html_recognition_needs_markup_and_the_table_title(tmp_path):
    assert recognizes_html(preliminary_html().encode("utf-8")[:8192])
    assert recognizes_html(preliminary_html_flat().encode("utf-8"))
    assert not recognizes_html(b"Major Export Commodities in Quantity and Value, June 2025\n")
    assert not recognizes_html(b"<html><body><p>Rare-earth exports rose.</p></body></html>")
    csv_file = write_gacc_file(tmp_path / "export.csv", FULL_HEADER, [])
    assert not recognizes_html(csv_file.read_bytes())


def test_an_article_mentioning_quantity_and_value_is_left_to_the_news_readers(tmp_path):
    article = (
        "<!DOCTYPE html><html><head><title>Customs data</title></head><body><p>China's customs "
        "publishes the quantity and value of major export commodities every month.</p>"
        "<table><tr><td>Share</td><td>Link</td></tr></table></body></html>"
    )
    path = _write(tmp_path, article, "article.html")
    assert recognizes_html(path.read_bytes())
    assert not confirms_html(path)
    assert confirms_html(_write(tmp_path, preliminary_html()))


def test_gbk_pages_that_declare_their_charset_are_read(tmp_path):
    text = preliminary_html().replace("charset='utf-8'", "charset='gbk'")
    text = text.replace("Steel products", "Steel products 钢材").replace("\u00a0", "&nbsp;")
    path = tmp_path / "gbk.html"
    path.write_bytes(text.encode("gbk"))
    assert "Steel products 钢材" in _by_commodity(read_html(path))


def test_preliminary_rows_land_in_their_raw_table_from_html_and_excel(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    _write(landing, preliminary_html(), "june.html")
    write_workbook(landing / "june.xlsx", preliminary_workbook_rows(), merges=PRELIMINARY_MERGES)
    kinds = (GACC_PRELIMINARY_XLSX, GACC_PRELIMINARY_HTML)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        report = land_kinds(conn, landing, kinds, kinds)
        rows = conn.execute(
            "select _source_file, report_month, month_quantity, value_multiplier "
            "from raw.gacc_preliminary_table where commodity = 'Rare earths' order by 1"
        ).fetchall()
    finally:
        conn.close()
    assert report.files_rejected == {} and report.unrecognized_files == []
    assert rows == [
        ("june.html", JUNE_2025, RARE_EARTHS_JUNE_2025_T, 1000.0),
        ("june.xlsx", JUNE_2025, RARE_EARTHS_JUNE_2025_T, 1000.0),
    ]


def _figures(parsed):
    return [
        (r["commodity"], r["unit"], r["month_quantity"], r["month_value"], r["ytd_quantity"])
        for r in parsed.rows
    ]


TWO_LINE_FIGURES = [
    ("Rare earths", "T", RARE_EARTHS_JUNE_2025_T, 48310.0, 31500.0),
    # 10000T lands as printed: a scale staging applies (967.8 x 10,000 t)
    ("Steel products", "10000T", 967.8, 6512300.0, 5815.0),
    ("Antimony oxides", "KG", 1250000.0, 14300.0, 6400000.0),
    # "-" is an empty cell, in the unit column as in the figures
    ("Machinery and electronic products", None, None, 128450000.0, None),
]


def test_a_two_line_monthly_table_lands_each_commodity_once_without_its_change_line(tmp_path):
    text = two_line_table_html()
    parsed = read_html(_write(tmp_path, text))
    assert parsed.rejects == []
    assert _figures(parsed) == TWO_LINE_FIGURES
    assert [r["_row_number"] for r in parsed.rows] == [
        line_of(text, f"<td>{figures[0]}") for figures, _ in TWO_LINE_COMMODITIES
    ]
    # "Unit: US$1,000" above the table states the values' currency and scale.
    assert {
        (r["report_month"], r["value_currency"], r["value_multiplier"]) for r in parsed.rows
    } == {(JUNE_2025, "USD", 1000.0)}
    assert {r["table_title"] for r in parsed.rows} == {TWO_LINE_TITLE}


def test_a_two_line_monthly_table_saved_as_excel_reads_the_same(tmp_path):
    parsed = read_xlsx(write_workbook(tmp_path / "june.xlsx", two_line_table_rows()))
    assert parsed.rejects == []
    assert _figures(parsed) == TWO_LINE_FIGURES
    assert [r["_row_number"] for r in parsed.rows] == [5, 7, 9, 11]  # the commodity lines


def test_a_quantity_in_a_unit_that_is_no_weight_is_quarantined_with_its_line_and_field(
    tmp_path,
):
    text = two_line_table_html([*TWO_LINE_COMMODITIES, TWO_LINE_UNKNOWN_UNIT])
    parsed = read_html(_write(tmp_path, text))
    assert _figures(parsed) == TWO_LINE_FIGURES
    [reject] = parsed.rejects  # its change line is skipped, not quarantined as nameless
    assert (reject.row_number, reject.field) == (line_of(text, "<td>Automobiles"), "Unit")
    assert "'Unit' cannot be converted to tonnes" in reject.reason


def test_a_nameless_line_that_follows_no_commodity_line_is_quarantined(tmp_path):
    # The rare earths' change line twice: the second follows no commodity line.
    text = two_line_table_html(TWO_LINE_COMMODITIES[:1])
    change_line = "<tr><td></td><td></td><td>60.3</td>"
    line = next(line for line in text.splitlines() if line.startswith(change_line))
    text = text.replace(line, f"{line}\n{line}")
    parsed = read_html(_write(tmp_path, text))
    assert [r["commodity"] for r in parsed.rows] == ["Rare earths"]
    assert [(r.row_number, r.field, r.reason) for r in parsed.rejects] == [
        (line_of(text, change_line) + 1, "Commodity", "is empty")
    ]
