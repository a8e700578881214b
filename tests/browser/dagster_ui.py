"""Helpers for the browser test: a Dagster webserver in its own process group, Debian's
chromium driven by playwright, and readers for what the UI pages show."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from orchestration import settings

# Debian's package: playwright drives it and never downloads a browser of its own.
CHROMIUM = Path("/usr/bin/chromium")

# Without these, chromium on the CI machines (root, no GPU, no display, no network beyond the
# package registries) either refuses to start or stalls on background requests.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The UI shortens long names in the middle with this character ("fct_month…_exports").
ELLIPSIS = "…"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Webserver:
    url: str
    log: Path


# Straight to localhost, even where the environment names an HTTP proxy for the registries.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(url: str) -> bool:
    try:
        with _DIRECT.open(f"{url}/server_info", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the whole group (the webserver and the code server it spawned), then SIGKILL
    to whatever is left in it, even when the webserver itself has already died."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


@contextlib.contextmanager
def running_webserver(
    env: dict[str, str], log: Path, startup_limit_s: float = 180
) -> Iterator[Webserver]:
    """`dagster-webserver -w workspace.yaml` on a free localhost port, as `make dev` serves the
    project; the process group is killed on exit, whatever happened inside."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "dagster_webserver", "-w", "workspace.yaml"]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            cwd=settings.PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so the code server it spawns dies with it
        )
    try:
        deadline = time.monotonic() + startup_limit_s
        while not _answers(url):
            if process.poll() is not None:
                raise RuntimeError(f"dagster-webserver exited {process.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"dagster-webserver did not answer in {startup_limit_s} s")
            time.sleep(0.5)
        yield Webserver(url=url, log=log)
    finally:
        _stop_group(process)


def label_shows(label: str, name: str) -> bool:
    """Whether a node label is this name, whole or shortened in the middle by the UI."""
    if ELLIPSIS not in label:
        return label == name
    head, tail = label.split(ELLIPSIS, 1)
    return len(head) + len(tail) < len(name) and name.startswith(head) and name.endswith(tail)


def names_not_shown(labels: Sequence[str], names: Sequence[str]) -> list[str]:
    return [name for name in names if not any(label_shows(label, name) for label in labels)]


def labels_not_expected(labels: Sequence[str], names: Sequence[str]) -> list[str]:
    return [label for label in labels if not any(label_shows(label, name) for name in names)]


# CSS-module class prefixes of the asset graph's nodes (the suffix is a build hash).
ASSET_NODE_LABEL = 'foreignObject [class*="AssetNode_assetName"]'
COLLAPSED_GROUP_NODE = 'foreignObject [class*="CollapsedGroupNode_collapsedGroupNodeBox"]'
# Zoomed out, a node is a box coloured by its state: green once materialized (checks passing);
# grey until the UI has loaded the state, or for an asset never materialized.
MATERIALIZED_NODE = (
    'foreignObject [class*="AssetNode_minimalAssetNodeBox"][style*="--color-background-green"]'
)


def graph_labels(page: Page) -> list[str]:
    return page.locator(ASSET_NODE_LABEL).all_inner_texts()


def expand_all_groups(page: Page) -> None:
    """The graph opens with groups collapsed; Alt+E is the UI's "Expand all groups" shortcut,
    which records the expanded groups in the URL."""
    page.locator(COLLAPSED_GROUP_NODE).first.wait_for()
    page.keyboard.press("Alt+e")
    page.wait_for_url(re.compile(r"[?&]expanded="))


def check_status_shown(page: Page, check_name: str) -> str | None:
    """The status the asset's Checks tab shows for one check, or None when it lists no check
    of that name. The list is virtualized, so filter it down to the one check first."""
    page.get_by_placeholder("Filter checks").fill(check_name)
    row = page.get_by_title(check_name, exact=True)
    try:
        row.wait_for(timeout=5_000)
    except PlaywrightTimeoutError:  # nothing listed under that name
        return None
    # The title box is followed by the status text ("Succeeded", "Failed", ...).
    return row.locator("xpath=following-sibling::span[1]").inner_text().strip()


# Dagster's community sign-up dialog (its "nux"): the UI opens it 1 s after a page loads on
# localhost, unless the instance turns it off (config/dagster.yaml, `nux: enabled: false`).
COMMUNITY_DIALOG_HEADING = "Join the Dagster community"


def community_dialog_shown(page: Page, wait_ms: int = 4_000) -> bool:
    """Whether the dialog appears within `wait_ms` (well past its 1 s delay)."""
    try:
        page.get_by_text(COMMUNITY_DIALOG_HEADING).wait_for(state="visible", timeout=wait_ms)
    except PlaywrightTimeoutError:
        return False
    return True
