"""Prints the corpus scoring tables after the run, so every test run shows them."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.unit.news.test_extract_corpus import REPORTS

    for report in REPORTS:
        terminalreporter.write_sep("-", "news claim extraction: per-article scores")
        terminalreporter.write_line(report)
