"""metrics.ingest.tick_rows, the pure arithmetic of ingest: a tick's rows against the tick
before it, checked without a database against pcprocess's own outputs (tests/oracle.py)."""

import copy

import pytest

from metrics.ingest import Measurement, SampleRows, Skipped, tick_rows, ticks_parse
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES, assert_rows_match_oracle


def _ticks(capture):
    skipped = Skipped()
    ticks = ticks_parse([Measurement(item["timestamp"], item["subsystem"], item["measurement"])
                         for tick in capture_ticks(capture) for item in tick], skipped)
    assert ticks and not skipped.unparsable
    return ticks


def _by_table(rows: SampleRows):
    def rows_of(table, item_column, columns):
        family = table.removesuffix("_sample")
        return {(row["t"], "" if item_column is None else str(row["item"])): {column: row[column] for column in columns}
                for row in rows.rows[family]}
    return rows_of


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_computes_what_pcprocess_computed_from_each_pair_of_ticks(capture):
    ticks = _ticks(capture)
    rows = SampleRows()
    for previous, current in zip([None, *ticks], ticks):
        rows.extend(tick_rows(previous, current))

    assert assert_rows_match_oracle(capture, _by_table(rows)) > 100


def test_it_leaves_its_ticks_as_they_were_and_gives_no_rates_without_a_previous_tick():
    previous, current = _ticks(CAPTURES[0])[:2]
    before = copy.deepcopy((previous, current))

    paired, alone = tick_rows(previous, current), tick_rows(None, current)

    assert (previous, current) == before
    assert paired == tick_rows(previous, current)  # same answer again: no state kept
    assert all(row["user_pct"] is None for row in alone["cpu"])
    assert any(row["user_pct"] is not None for row in paired["cpu"])
    assert alone["memory"] == paired["memory"]  # gauges need no previous tick
