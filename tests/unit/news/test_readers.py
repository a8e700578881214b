"""News readers: plain text with or without a header block, HTML reduced to text, JSON lines."""

import json

import pytest

from orchestration.extract.contract import UnreadableFile
from orchestration.extract.registry import ALL_KINDS
from orchestration.landing.store import identify
from orchestration.news.readers import read_html, read_jsonl, read_text

# Written for these tests; the figures are invented.
BODY = (
    "Customs data released on Tuesday showed that exports of rare earths rose to 4,100 tonnes "
    "in March, up 5% from February, as traders rebuilt stocks ahead of the summer. Analysts "
    "said the increase reflected licences granted late in the winter, and warned that the "
    "detailed figures by destination would only arrive later in the month, leaving the split "
    "between Japan, Korea and Europe unclear for now."
)


def test_a_header_block_supplies_title_outlet_url_and_date(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(
        "Title: March exports rise\nOutlet: Test Wire\nURL: https://example.org/a\n"
        f"Published: 2025-04-08\n\n{BODY}\n"
    )
    (article,) = read_text(path).rows
    assert (article["title"], article["outlet"], article["url"]) == (
        "March exports rise",
        "Test Wire",
        "https://example.org/a",
    )
    assert article["published_date"].isoformat() == "2025-04-08"
    assert article["body_text"].startswith("Customs data")


def test_without_a_header_the_date_comes_from_the_file_name(tmp_path):
    path = tmp_path / "2025-04-09_wire.txt"
    path.write_text(BODY)
    (article,) = read_text(path).rows
    assert article["published_date"].isoformat() == "2025-04-09"


def test_html_is_reduced_to_text_without_scripts_or_markup(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>March exports</title>"
        '<meta property="og:site_name" content="Test Wire">'
        '<meta property="article:published_time" content="2025-04-08T09:00:00Z">'
        "<script>alert('x'); var tonnes = 999999;</script><style>p{color:red}</style></head>"
        f"<body><nav>Menu</nav><article><p>{BODY}</p>"
        '<p><img src=x onerror="alert(1)">Second paragraph.</p></article></body></html>'
    )
    (article,) = read_html(path).rows
    assert article["title"] == "March exports"
    assert article["outlet"] == "Test Wire"
    assert article["published_date"].isoformat() == "2025-04-08"
    text = article["body_text"]
    assert "4,100 tonnes" in text and "Second paragraph." in text
    for fragment in ("alert", "999999", "<", "onerror", "color:red"):
        assert fragment not in text


def test_an_html_error_page_is_not_taken_for_an_article(tmp_path):
    path = tmp_path / "export.csv"  # an error page saved under a data file's name
    path.write_text("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>")
    with pytest.raises(UnreadableFile, match="error or login page"):
        read_html(path)


def test_json_lines_land_good_articles_and_quarantine_bad_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"title": "A", "text": BODY, "published": "2025-04-08", "url": "https://e/a"}),
        "{not json",  # broken JSON
        json.dumps({"title": "B", "text": ""}),  # no article text
        json.dumps({"title": "C", "text": BODY + " More.", "published": "someday"}),  # bad date
    ]
    path.write_text("\n".join(lines) + "\n")
    parsed = read_jsonl(path)
    assert [row["title"] for row in parsed.rows] == ["A"]
    assert [(r.row_number, r.field) for r in parsed.rejects] == [
        (2, "*"),
        (3, "text"),
        (4, "published"),
    ]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (BODY, "news_text"),
        ("<html><body><p>" + BODY + "</p></body></html>", "news_html"),
        (json.dumps({"text": BODY}) + "\n", "news_jsonl"),
        ("period,code,partner,quantity\n202403,85051110,DE,1\n", None),
        ("\x00\x01\x02 binary" * 50, None),
    ],
)
def test_articles_are_recognized_by_content(content, kind):
    found = identify(content.encode("utf-8"), ALL_KINDS)
    assert (found.name if found else None) == kind
