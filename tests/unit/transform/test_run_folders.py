"""The parse each dbt invocation leaves is kept per profile: runs on one warehouse find their
own parse whatever ran on another in between, and only the newest few are kept."""

import os
import time

from orchestration.transform.run_folders import (
    PARSE_STATE,
    PARSE_STATES_KEPT,
    keep_parse_state,
    kept_parse_state,
    seed_parse_state,
)


def _invocation_that_parsed(folder, content: bytes):
    folder.mkdir(parents=True)
    (folder / PARSE_STATE).write_bytes(content)
    return folder


def test_each_warehouse_gets_back_the_parse_its_last_invocation_left(tmp_path):
    target = tmp_path / "target"
    first = kept_parse_state(target, {"REE_WAREHOUSE": "/data/first.duckdb"})
    second = kept_parse_state(target, {"REE_WAREHOUSE": "/data/second.duckdb"})
    assert first != second
    assert kept_parse_state(target, {"REE_WAREHOUSE": "/data/first.duckdb"}) == first
    # the target and the memory limit are in the profile too
    assert (
        kept_parse_state(
            target, {"REE_WAREHOUSE": "/data/first.duckdb", "REE_DBT_TARGET": "motherduck"}
        )
        != first
    )

    keep_parse_state(_invocation_that_parsed(tmp_path / "run1", b"first's parse"), first)
    keep_parse_state(_invocation_that_parsed(tmp_path / "run2", b"second's parse"), second)
    seed_parse_state(tmp_path / "run3", first)
    assert (tmp_path / "run3" / PARSE_STATE).read_bytes() == b"first's parse"


def test_no_kept_parse_leaves_the_seeding_to_dagster_dbt_and_no_parse_keeps_nothing(
    tmp_path,
):
    kept = kept_parse_state(tmp_path / "target", {"REE_WAREHOUSE": "/data/w.duckdb"})
    seed_parse_state(tmp_path / "run1", kept)
    assert not (tmp_path / "run1").exists()  # dagster-dbt seeds it from make's parse
    (tmp_path / "run2").mkdir()
    keep_parse_state(tmp_path / "run2", kept)
    assert not kept.exists()


def test_only_the_newest_parses_are_kept(tmp_path):
    target = tmp_path / "target"
    slots = [
        kept_parse_state(target, {"REE_WAREHOUSE": f"/w{n}.duckdb"})
        for n in range(PARSE_STATES_KEPT + 3)
    ]
    slots[0].parent.mkdir(parents=True)
    for n, slot in enumerate(slots):  # slots[0] the oldest, slots[-1] the newest
        slot.write_bytes(b"parse")
        os.utime(slot, (time.time() - 60 * (len(slots) - n),) * 2)
    # The oldest is used again: it stays, with the newest others.
    keep_parse_state(_invocation_that_parsed(tmp_path / "run", b"parse"), slots[0])
    left = set(target.glob("parse-states/*.msgpack"))
    assert left == {slots[0], *slots[-(PARSE_STATES_KEPT - 1) :]}
    assert not list(target.glob("parse-states/.*"))  # no temporary copy left behind
