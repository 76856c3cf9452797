"""Work per source file spread over the machine's cores, in forked worker processes.

`load` and `check` do the same work for every source, independently; with many sources
they hand it to a pool of forked workers (`ordered`), which inherit what the parent holds
(code lists, the model) without pickling it, and send back only their results. Results come
back in input order, so problems are reported in the order a serial run reports them, and
the output is the same.

By default workers are used only with many sources and at least three cores (one worker per
core but one): the results cost about a third of the work again to pickle and unpickle, so on
two cores the gain is small at best, and a loss as soon as other work shares the cores
(benchmarks/load_check.py measures it). ``ASDH_LOD_WORKERS=N`` asks for N workers whatever the
size (``0``: one per core); ``ASDH_LOD_WORKERS=1`` keeps everything in the one process, as do
platforms without fork.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from collections import deque
from itertools import islice
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Generic, Iterator, Sequence, TypeVar


T = TypeVar("T")
R = TypeVar("R")

ENV = "ASDH_LOD_WORKERS"
MIN_ITEMS = 64  # fewer sources than this: forking and pickling cost more than they save
CHUNK = 16      # sources per task: few enough round trips, results still arrive steadily
WINDOW = 2      # chunks in flight per worker (`ordered`): enough to keep each busy, few to hold
RECYCLE = 16    # chunks a page worker renders before it is replaced by a fresh fork (`ordered`)


def workers(items: int) -> int:
    """How many worker processes to use for `items` sources (1: stay in this process)."""
    env = os.environ.get(ENV, "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            raise ValueError(f"{ENV} must be a whole number of worker processes, not {env!r}") from None
        wanted = n if n > 0 else _cores()
    else:  # one core for this process, which unpickles what the workers send
        wanted = _cores() - 1
        if items < MIN_ITEMS or wanted < 2:
            return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, 8, -(-items // CHUNK)))


MIN_PAGES = 512  # fewer resources than this: their pages are rendered here


def page_workers(items: int) -> int:
    """How many worker processes render the site's pages (1: this process). Unlike sources,
    pages come back as bytes, which cost next to nothing to send: by default one worker per
    core from MIN_PAGES resources on (``ASDH_LOD_WORKERS`` as for `workers`)."""
    if os.environ.get(ENV, "").strip():
        return workers(items)
    if items < MIN_PAGES:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(_cores(), 8))


def can_fork() -> bool:
    """Whether work may go to a forked child process: fork exists and ``ASDH_LOD_WORKERS`` is
    not 1 (which keeps everything in this process)."""
    return os.environ.get(ENV, "").strip() != "1" and "fork" in multiprocessing.get_all_start_methods()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


_state: Any = None  # in a worker: what `ordered` was given as `state`, inherited by fork


def _init(state: Any) -> None:
    global _state
    _state = state


def _run(fn: Callable[[Any, Sequence[T]], list[R]], chunk: Sequence[T]) -> list[R]:
    return fn(_state, chunk)


def ordered(fn: Callable[[Any, Sequence[T]], list[R]], items: Sequence[T], state: Any,
            n_workers: int, before_fork: Callable[[], object] | None = None,
            recycle: int | None = None) -> Iterator[R]:
    """`fn(state, chunk)` over `items` in chunks, yielding one result per item in input order.

    `fn` must be a module-level function (it is pickled by name); `state` is not pickled: the
    workers are forked and inherit it. With one worker, or when the pool cannot be used (a
    worker died, e.g. killed for memory), the remaining chunks run here, in this process.

    Bounded memory: at most WINDOW chunks per worker are in flight (submitted, running or
    finished but not yet consumed), so when the caller is slower than the workers (it writes
    what they make), their results wait in the workers' queue, not all in this process.
    With `recycle`, a pool runs that many chunks a worker, then ends, and a new one is forked
    for the next: a forked worker's memory grows as it touches what it inherited (each object
    it reads gets its reference count written, and the page holding it is copied), so a
    long-lived one ends up with a copy of much of the parent (`RECYCLE`).

    `before_fork()`, if given, is called before the workers are first forked (e.g. to join the
    caller's threads: a forked child has none of them, and locks they held stay held)."""
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    done = 0
    if n_workers > 1 and len(chunks) > 1:
        if before_fork is not None:
            before_fork()
        context = multiprocessing.get_context("fork")
        try:
            while done < len(chunks):
                end = len(chunks) if recycle is None else min(len(chunks), done + recycle * n_workers)
                pool = ProcessPoolExecutor(n_workers, mp_context=context, initializer=_init, initargs=(state,))
                try:
                    pending: deque = deque()
                    ahead = iter(chunks[done:end])
                    for c in islice(ahead, WINDOW * n_workers):
                        pending.append(pool.submit(_run, fn, c))
                    while pending:
                        results = pending.popleft().result()
                        done += 1
                        nxt = next(ahead, None)
                        if nxt is not None:  # keep the workers busy while the caller consumes these
                            pending.append(pool.submit(_run, fn, nxt))
                        yield from results
                finally:  # also when the caller stops early: drop the work not yet started
                    pool.shutdown(wait=True, cancel_futures=True)
        except BrokenProcessPool:
            pass  # finish the remaining chunks here
    for c in chunks[done:]:
        yield from fn(state, c)


class Background(Generic[R]):
    """`fn(stop)` run in a thread while the caller goes on: for native work that releases the
    GIL (pyoxigraph's bulk loader), which then uses the second core while this one does
    Python work. `result()` waits for it and raises what it raised; `cancel()` sets `stop`
    (a function that checks it between steps returns early) and waits, so that nothing still
    runs when the caller removes what the function reads. Join it before forking workers."""

    def __init__(self, fn: Callable[[threading.Event], R]):
        self.stop = threading.Event()
        self._value: R | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[threading.Event], R]) -> None:
        try:
            self._value = fn(self.stop)
        except BaseException as err:  # handed to the caller by result()
            self._error = err

    def result(self) -> R:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def cancel(self) -> None:
        self.stop.set()
        self._thread.join()


class ChildFailed(RuntimeError):
    """A forked child process ended without sending its result (e.g. killed for memory)."""


class Forked(Generic[R]):
    """`fn()` run in a forked child process while the caller goes on: for Python work (the
    SHACL validation) that needs a core of its own and memory the caller should not keep.

    The child inherits what this process holds (nothing is pickled to it) and sends its result
    back pickled through a pipe, which a thread here drains, so that the child ends, and its
    memory goes, as soon as it is done. `result()` waits for it and returns it, or raises what
    the child raised (`ChildFailed` if it ended without a word: killed, out of memory);
    `cancel()` kills the child if it still runs. Fork while no other thread runs (a forked
    child has only the thread that forked it, and locks others held stay held in it). Without
    fork, with `fork=False`, or when no child can be forked (no memory left), `fn` runs here,
    at once."""

    def __init__(self, fn: Callable[[], R], fork: bool = True):
        self.pid: int | None = None
        self._payload = b""
        self._status = 0
        self._value: R | None = None
        self._error: BaseException | None = None
        self._reader: threading.Thread | None = None
        self._reaping, self._reaped = threading.Lock(), False
        if not (fork and can_fork()):
            self._here(fn)
            return
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or processes left for a child: here, at once
            os.close(r)
            os.close(w)
            self._here(fn)
            return
        if pid == 0:  # pragma: no cover - the child (its work is covered where it runs in-process)
            code = 1
            try:
                os.close(r)
                try:
                    payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as err:  # noqa: BLE001 - sent to the parent, which raises it
                    try:
                        payload = pickle.dumps((False, err), protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception:  # noqa: BLE001 - an error that cannot be pickled: its text
                        payload = pickle.dumps((False, ChildFailed(f"{type(err).__name__}: {err}")))
                with os.fdopen(w, "wb") as out:
                    out.write(payload)
                code = 0
            finally:
                os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
        os.close(w)
        self.pid = pid
        self._reader = threading.Thread(target=self._drain, args=(r,), daemon=True)
        self._reader.start()

    def _here(self, fn: Callable[[], R]) -> None:
        try:
            self._value = fn()
        except Exception as err:  # handed to the caller by result(), as a child's would be
            self._error = err

    def _drain(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            self._payload = pipe.read()
        with self._reaping:  # once reaped, the pid may be another process's: `cancel` must not kill it
            _pid, self._status = os.waitpid(self.pid, 0)
            self._reaped = True

    def result(self) -> R:
        if self._reader is not None:
            self._reader.join()
            self._reader = None
            if self._payload:
                ok, value = pickle.loads(self._payload)
                self._payload = b""
                if ok:
                    self._value = value
                else:
                    self._error = value
            elif self._error is None:
                how = (f"killed by signal {os.WTERMSIG(self._status)}" if os.WIFSIGNALED(self._status)
                       else f"exit status {os.WEXITSTATUS(self._status)}")
                self._error = ChildFailed(f"the worker process {self.pid} ended without a result ({how}; "
                                          "out of memory? try ASDH_LOD_WORKERS=1)")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Kill the child if it still runs, and reap it; `result()` then raises."""
        if self._reader is not None:
            with self._reaping:
                if not self._reaped:  # ended or not, not yet reaped: still ours
                    os.kill(self.pid, signal.SIGKILL)  # type: ignore[arg-type]
            self._reader.join()
            self._reader = None
            self._payload = b""
            self._error = ChildFailed(f"the worker process {self.pid} was stopped")
