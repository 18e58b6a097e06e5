"""The data lock on SQLite and PostgreSQL: one holder at a time across processes, a French
refusal after the wait, and released when its holder is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from store.errors import LockBusyError
from store.locks import data_lock

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
sys.path.insert(0, {root!r})
from store.locks import data_lock
with data_lock({url!r}, timeout_s=30):
    print("HELD", flush=True)
    time.sleep(600)
"""


def _holder(url: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=str(ROOT), url=url)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert process.stdout.readline().strip() == "HELD"
    return process


def test_another_process_waits_then_gives_up_and_a_killed_holder_frees_the_lock(store_url):
    holder = _holder(store_url)
    try:
        with (
            pytest.raises(LockBusyError, match="rien n'a été modifié"),
            data_lock(store_url, timeout_s=0.3),
        ):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=30)
    with data_lock(store_url, timeout_s=10):
        pass


def test_one_holder_at_a_time_within_a_process(store_url):
    with data_lock(store_url), pytest.raises(LockBusyError), data_lock(store_url, timeout_s=0.2):
        pass
    with data_lock(store_url, timeout_s=1):
        pass  # released at the end of the first block
