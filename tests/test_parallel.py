"""Tests for the worker pool that load uses with many sources (`asdh_lod.parallel`)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest

from asdh_lod.core import parallel


def _tag(state, chunk):
    """Each item with the state the worker inherited and the process that handled it."""
    return [(item, state, os.getpid()) for item in chunk]


def _die_in_workers(state, chunk):
    if os.getpid() != state:  # a worker: killed (as the kernel kills one out of memory)
        os._exit(1)
    return [(item, os.getpid()) for item in chunk]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK", 3)


def test_results_in_input_order_from_forked_workers(small_chunks):
    items = list(range(40))
    out = list(parallel.ordered(_tag, items, "inherited, not pickled", 2))
    assert [item for item, _, _ in out] == items
    assert {state for _, state, _ in out} == {"inherited, not pickled"}
    pids = {pid for _, _, pid in out}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2  # forked workers (which ones: as they come)


def test_recycled_workers_are_fresh_forks_and_keep_the_order(small_chunks):
    """With `recycle`, a pool runs that many chunks a worker, then a new pool is forked: a
    worker never lives long enough to copy much of what it inherited."""
    items = list(range(24))  # 8 chunks of 3; 2 workers × 1 chunk a pool: 4 pools
    out = list(parallel.ordered(_tag, items, "s", 2, recycle=1))
    assert [item for item, _, _ in out] == items
    pids_of_pool = [{pid for _, _, pid in out[i:i + 6]} for i in range(0, 24, 6)]  # a pool: 2 chunks
    assert all(1 <= len(pids) <= 2 for pids in pids_of_pool)
    for a in range(4):
        for b in range(a + 1, 4):
            assert not pids_of_pool[a] & pids_of_pool[b], "a later pool is made of new processes"
    assert os.getpid() not in set().union(*pids_of_pool)


def test_stopping_early_ends_the_recycled_pool(small_chunks):
    it = parallel.ordered(_tag, list(range(30)), "s", 2, recycle=2)
    first = [next(it) for _ in range(4)]
    it.close()  # the pool is shut down, the work not started dropped
    assert [item for item, _, _ in first] == [0, 1, 2, 3]
    assert multiprocessing.active_children() == []


def test_one_worker_runs_here(small_chunks):
    forks = []
    out = list(parallel.ordered(_tag, list(range(10)), "s", 1, before_fork=lambda: forks.append(1)))
    assert [item for item, _, _ in out] == list(range(10))
    assert {pid for _, _, pid in out} == {os.getpid()}
    assert forks == []  # nothing forked: the caller's thread may run on


def test_before_fork_joins_the_callers_thread_first(small_chunks):
    """The render joins its example-query thread before the page workers are forked
    (`before_fork`): called once, before the first worker exists."""
    seen = []
    job = parallel.Background(lambda stop: seen.append(("thread", threading.active_count())) or "answers")

    def join():
        seen.append(("joined", job.result()))

    out = list(parallel.ordered(_tag, list(range(12)), "s", 2, before_fork=join))
    assert [item for item, _, _ in out] == list(range(12)) and os.getpid() not in {pid for *_, pid in out}
    assert [kind for kind, _ in seen] == ["thread", "joined"] and seen[1][1] == "answers"


def test_a_dead_worker_means_the_rest_runs_here(small_chunks):
    out = list(parallel.ordered(_die_in_workers, list(range(12)), os.getpid(), 2))
    assert [item for item, _ in out] == list(range(12))
    assert {pid for _, pid in out} == {os.getpid()}



def test_pages_rendered_by_workers_are_the_pages_rendered_here(tiny, tmp_path, monkeypatch):
    """Forked workers render the resources' pages and RDF variants (parallel.page_workers):
    the site is byte for byte the one rendered in one process."""
    from asdh_lod.build.pipeline import build

    monkeypatch.setenv("ASDH_LOD_WORKERS", "1")
    one = build(tiny, tmp_path / "one")
    monkeypatch.setenv("ASDH_LOD_WORKERS", "2")
    monkeypatch.setattr(parallel, "RECYCLE", 1)  # a new pool every two chunks of pages
    assert parallel.page_workers(len(one.paths)) == 2
    two = build(tiny, tmp_path / "two")
    assert two.paths == one.paths
    assert all((tmp_path / "one" / p).read_bytes() == (tmp_path / "two" / p).read_bytes() for p in one.paths)


# --- Background: one function in a thread ------------------------------------------------

def test_background_gives_the_result_and_raises_what_the_function_raised():
    assert parallel.Background(lambda stop: sum(range(10))).result() == 45

    def fails(stop):
        raise ValueError("bad piece")

    with pytest.raises(ValueError, match="bad piece"):
        parallel.Background(fails).result()


def test_background_cancel_stops_a_function_that_checks_and_waits_for_it():
    started, seen = threading.Event(), []

    def steps(stop):
        started.set()
        while not stop.wait(0.01):
            pass
        seen.append("stopped")

    job = parallel.Background(steps)
    started.wait(5)
    job.cancel()
    assert seen == ["stopped"] and not job._thread.is_alive()


# --- Forked: one function in a child process ----------------------------------------------

def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_forked_runs_in_a_child_and_sends_its_result_back():
    big = ["ğ" * 100] * 2000  # more than a pipe holds: drained while the child writes
    job = parallel.Forked(lambda: (os.getpid(), big))
    assert job.pid is not None and job.pid != os.getpid()
    pid, value = job.result()
    assert pid == job.pid and value == big
    assert job.result()[0] == pid and _reaped(job.pid)


def test_forked_raises_what_the_child_raised():
    job = parallel.Forked(lambda: int("x"))
    with pytest.raises(ValueError, match="invalid literal"):
        job.result()
    assert job.pid != os.getpid() and _reaped(job.pid)


def test_a_child_that_dies_without_a_word_is_child_failed():
    with pytest.raises(parallel.ChildFailed, match=r"killed by signal 9; out of memory\?"):
        parallel.Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)).result()
    with pytest.raises(parallel.ChildFailed, match="exit status 3"):
        parallel.Forked(lambda: os._exit(3)).result()


def test_forked_cancel_kills_a_running_child():
    job = parallel.Forked(lambda: time.sleep(60))
    t = time.perf_counter()
    job.cancel()
    assert time.perf_counter() - t < 10 and _reaped(job.pid)
    with pytest.raises(parallel.ChildFailed, match="was stopped"):
        job.result()


def test_forked_runs_here_without_fork_or_with_one_worker(monkeypatch):
    job = parallel.Forked(os.getpid, fork=False)
    assert job.pid is None and job.result() == os.getpid()
    monkeypatch.setenv(parallel.ENV, "1")
    assert not parallel.can_fork()
    job = parallel.Forked(lambda: int("x"))  # run at once, raised by result() as a child's error would be
    assert job.pid is None
    with pytest.raises(ValueError):
        job.result()


def test_forked_runs_here_when_no_child_can_be_forked(monkeypatch):
    def no_fork():
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_fork)
    job = parallel.Forked(os.getpid)
    assert job.pid is None and job.result() == os.getpid()
