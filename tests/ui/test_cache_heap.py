"""The heap is frozen as the caches fill, at runs 1, 2, 4, 8… of a process (ui/cache.py)."""

from __future__ import annotations

import pytest

from ui import cache


@pytest.fixture()
def freezes(monkeypatch):
    calls = []
    monkeypatch.setattr(cache.gc, "freeze", lambda: calls.append(cache._heap["runs"]))
    monkeypatch.setattr(cache, "_heap", {"runs": 0, "next_freeze": 1})
    return calls


def test_heap_frozen_at_runs_one_two_four_eight(freezes):
    frozen = [cache.settle_heap() for _ in range(20)]
    assert freezes == [1, 2, 4, 8, 16]
    assert sum(frozen) == 5


def test_heap_never_frozen_after_the_last_scheduled_run(freezes, monkeypatch):
    monkeypatch.setattr(cache, "MAX_FREEZE_RUN", 4)
    for _ in range(40):
        cache.settle_heap()
    assert freezes == [1, 2, 4]


def test_new_data_starts_the_schedule_again(freezes):
    for _ in range(5):
        cache.settle_heap()
    assert cache.settle_heap(restart=True)
    cache.settle_heap()
    assert freezes == [1, 2, 4, 1, 2]
