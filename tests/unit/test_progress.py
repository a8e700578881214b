"""Progress of the long commands: read from a real Dagster run's event log, and from the
synthetic generator's files, as plain lines in a log and as a bar on a terminal."""

from __future__ import annotations

import io
import re
import sys

from dagster import (
    AssetCheckResult,
    DagsterInstance,
    Definitions,
    asset,
    asset_check,
    define_asset_job,
)

from orchestration.cli import main
from orchestration.progress import Progress, execute_with_progress, step_count


class TerminalLike(io.StringIO):
    """Captures what is written, and says it is a terminal, as stderr in a shell would."""

    def isatty(self) -> bool:
        return True


@asset
def landed() -> None:
    """Stands in for a landing asset."""


@asset(deps=[landed])
def modelled() -> None:
    """Stands in for the dbt models."""


@asset_check(asset=modelled)
def modelled_is_fine() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset(deps=[modelled])
def published() -> None:
    """Stands in for the publication."""


@asset
def broken_landing() -> None:
    """Fails, the way a landing step fails on an unreadable folder."""
    raise RuntimeError("deliberately broken")


@asset(deps=[broken_landing])
def after_broken() -> None:
    """Never runs: its upstream failed."""


def _job(name: str, *assets_defs, checks=()):
    defs = Definitions(
        assets=list(assets_defs),
        asset_checks=list(checks),
        jobs=[define_asset_job(name, selection=[a.key for a in assets_defs])],
    )
    return defs.resolve_job_def(name)


def _plain_lines(text: str, label: str) -> list[tuple[int, int, str]]:
    found = re.findall(rf"^{label}: (\d+)/(\d+) steps (.*)$", text, flags=re.MULTILINE)
    return [(int(done), int(total), rest) for done, total, rest in found]


def test_a_run_logs_one_line_per_finished_step_up_to_the_total():
    job = _job("small", landed, modelled, published, checks=[modelled_is_fine])
    log = io.StringIO()  # not a terminal: plain lines
    result = execute_with_progress(job, DagsterInstance.ephemeral(), stream=log)

    assert result.success
    lines = _plain_lines(log.getvalue(), "small")
    assert step_count(job) == 4  # three assets and the check, each its own step
    assert [done for done, _, _ in lines] == [1, 2, 3, 4]
    assert {total for _, total, _ in lines} == {4}
    finished = {rest.rsplit(" ", 1)[0] for _, _, rest in lines}
    assert finished == {"landed", "modelled", "modelled_modelled_is_fine", "published"}
    assert all(rest.endswith(" done") for _, _, rest in lines)
    assert "\r" not in log.getvalue()  # no bar redraws in a log


def test_a_failed_step_is_named_and_the_step_it_blocks_reported_as_not_run():
    job = _job("failing", broken_landing, after_broken)
    log = io.StringIO()
    result = execute_with_progress(
        job, DagsterInstance.ephemeral(), stream=log, raise_on_error=False
    )

    assert not result.success
    lines = _plain_lines(log.getvalue(), "failing")
    # The blocked step never starts, so it is reported as not run, not as done.
    assert lines == [(1, 2, "broken_landing FAILED"), (1, 2, "1 step(s) not run")]


def test_on_a_terminal_the_run_draws_a_bar_that_ends_full():
    job = _job("small_tty", landed, modelled, published, checks=[modelled_is_fine])
    terminal = TerminalLike()
    execute_with_progress(job, DagsterInstance.ephemeral(), stream=terminal)

    frames = terminal.getvalue().split("\r")
    assert len(frames) > 2  # redrawn in place, not one line per step
    assert "4/4" in frames[-1] and "100%" in frames[-1]
    assert not _plain_lines(terminal.getvalue(), "small_tty")


def test_lines_printed_to_stderr_under_a_bar_come_out_whole_above_it(monkeypatch):
    terminal = TerminalLike()
    monkeypatch.setattr("sys.stderr", terminal)
    with Progress(2, "row", "demo") as progress, progress.writes_above_the_bar():
        progress.advance(1, "first.csv")
        sys.stderr.write("a log line ")  # a line arriving in pieces, as handlers may write
        sys.stderr.write("in two writes\n")
        progress.advance(1, "second.csv")

    segments = re.split(r"[\r\n]", terminal.getvalue())
    assert "a log line in two writes" in segments  # not glued to a bar frame
    assert "2/2" in terminal.getvalue().split("\r")[-1]
    assert sys.stderr is terminal  # restored


def test_synth_reports_rows_written_per_file_until_all_are_and_keeps_its_summary(tmp_path, capsys):
    out = tmp_path / "synth"
    assert main(["synth", "--rows", "300", "--months", "3", "--out", str(out)]) == 0

    captured = capsys.readouterr()
    progress = re.findall(r"^synth: ([\d,]+)/([\d,]+) rows (\S+)$", captured.err, re.MULTILINE)
    assert [(done, total) for done, total, _ in progress] == [
        ("100", "300"),
        ("200", "300"),
        ("300", "300"),
    ]
    assert [name for _, _, name in progress] == sorted(p.name for p in out.glob("*.csv"))
    # The summary on stdout is what it was (scripts read it).
    assert captured.out.startswith("wrote 3 GENERATED GACC query file(s), 300 rows, ")


def test_synth_refusing_its_arguments_reports_no_progress(tmp_path, capsys):
    assert main(["synth", "--rows", "300", "--months", "0", "--out", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "months must be at least 1" in captured.err
    assert "synth: " not in captured.err.replace("ree-tracker synth: ", "")
