"""Progress for the long commands: a bar on a terminal, plain lines anywhere else.

A bar is only drawn when the stream is a terminal: in a CI log or a file, carriage-return
redraws turn into noise, so there each step of progress is one line.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from tqdm import tqdm

if TYPE_CHECKING:
    from dagster import DagsterInstance, ExecuteInProcessResult, JobDefinition

# How often the run's event log is read for finished steps.
POLL_SECONDS = 0.5
DEFAULT_SIZE = os.terminal_size((100, 20))
SCALE_FROM = 10_000


class Progress:
    """Counts work done out of a known total, on `stream` (stderr by default)."""

    def __init__(self, total: int, unit: str, label: str, stream: TextIO | None = None):
        self.total, self.unit, self.label = total, unit, label
        self.done = 0
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._bar = (
            tqdm(
                total=total,
                unit=unit,
                desc=label,
                file=self.stream,
                # A terminal that reports no size (a pty with no window) would get no bar.
                ncols=_terminal_size(self.stream).columns or DEFAULT_SIZE.columns,
                nrows=_terminal_size(self.stream).lines or DEFAULT_SIZE.lines,
                unit_scale=total >= SCALE_FROM,  # 10.0M rows, but 2/2 steps
            )
            if _is_terminal(self.stream)
            else None
        )

    def note(self, text: str) -> None:
        """What is under way now (the bar's suffix); plain output waits for the next count."""
        if self._bar is not None:
            self._bar.set_postfix_str(text)

    def advance(self, count: int, text: str = "") -> None:
        with self._lock:
            self.done += count
            if self._bar is not None:
                self._bar.set_postfix_str(text, refresh=False)
                self._bar.update(count)
            else:
                suffix = f" {text}" if text else ""
                print(
                    f"{self.label}: {self.done:,}/{self.total:,} {self.unit}s{suffix}",
                    file=self.stream,
                    flush=True,
                )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    @contextlib.contextmanager
    def writes_above_the_bar(self) -> Iterator[None]:
        """Route what others print to stderr meanwhile (Dagster's console log) above the bar,
        instead of through it."""
        if self._bar is None or self.stream is not sys.stderr:
            yield
            return
        with contextlib.redirect_stderr(_LinesAboveBar(self.stream)):
            yield

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _LinesAboveBar:
    """A stderr stand-in that prints whole lines with tqdm.write, which clears the bar, prints
    and redraws it."""

    def __init__(self, real: TextIO):
        self._real = real
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            tqdm.write(line, file=self._real)
        return len(text)

    def flush(self) -> None:
        self._real.flush()

    def isatty(self) -> bool:
        return self._real.isatty()

    def fileno(self) -> int:
        return self._real.fileno()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def _terminal_size(stream: TextIO) -> os.terminal_size:
    try:
        return os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (a test's stand-in)
        return DEFAULT_SIZE


class _StepWatcher(threading.Thread):
    """Reads a run's step events from the Dagster instance while the run goes on."""

    def __init__(self, instance: DagsterInstance, run_id: str, progress: Progress):
        super().__init__(name="ree-step-progress", daemon=True)
        self._instance, self._run_id, self._progress = instance, run_id, progress
        self._cursor: str | None = None
        self._stop_requested = threading.Event()

    def run(self) -> None:
        while not self._stop_requested.wait(POLL_SECONDS):
            self.read_new_events()

    def finish(self) -> None:
        self._stop_requested.set()
        self.join()
        self.read_new_events()  # the steps that ended after the last poll

    def read_new_events(self) -> None:
        from dagster import DagsterEventType

        finished = {
            DagsterEventType.STEP_SUCCESS: "done",
            DagsterEventType.STEP_FAILURE: "FAILED",
            DagsterEventType.STEP_SKIPPED: "skipped",
        }
        connection = self._instance.get_records_for_run(
            self._run_id,
            cursor=self._cursor,
            of_type={DagsterEventType.STEP_START, *finished},
        )
        self._cursor = connection.cursor
        for record in connection.records:
            event = record.event_log_entry.dagster_event
            if event is None:
                continue
            if event.event_type == DagsterEventType.STEP_START:
                self._progress.note(f"{event.step_key} running")
            else:
                self._progress.advance(1, f"{event.step_key} {finished[event.event_type]}")


def step_count(job: JobDefinition) -> int:
    """Steps a run of the job has: one per op (asset, multi-asset or check); the project's
    jobs have no dynamic outputs, which would add steps at run time."""
    return len(job.graph.node_dict)


def execute_with_progress(
    job: JobDefinition,
    instance: DagsterInstance,
    stream: TextIO | None = None,
    **execute_options: object,
) -> ExecuteInProcessResult:
    """job.execute_in_process, counting finished steps (done, failed or skipped) out of all."""
    run_id = str(uuid.uuid4())
    with Progress(step_count(job), "step", f"{job.name}", stream) as progress:
        watcher = _StepWatcher(instance, run_id, progress)
        watcher.start()
        try:
            with progress.writes_above_the_bar():
                return job.execute_in_process(instance=instance, run_id=run_id, **execute_options)
        finally:
            watcher.finish()
            # Steps downstream of a failure never start and leave no event: say so, rather
            # than leave the count short without a word.
            if progress.done < progress.total:
                progress.advance(0, f"{progress.total - progress.done} step(s) not run")
