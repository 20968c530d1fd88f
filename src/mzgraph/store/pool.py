"""Evaluation in forked worker processes: a deadline that really stops the work, and crashes contained.

pyoxigraph cannot interrupt a running query from another thread, and deeply nested input overflows
its stack (SIGSEGV), so queries run in worker processes. Right after the data is loaded, one *zygote*
process is forked; it forks the workers, which share the loaded store copy-on-write, so a fresh
worker costs a fork, not a reload. A worker past its deadline is killed and replaced; a worker that
dies is replaced too, and if the zygote itself dies (with its workers), a new one is forked. Only the
zygote kills workers, and only children it has not reaped yet, so a recycled process id is never hit.
Workers connect back over a Unix socket in a private directory.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import queue
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from mzgraph.processes import die_with_parent
from mzgraph.sparql.errors import QueryCrashed, QueryError, QueryFailed, QueryTimeout, StoreBusy, StoreUnavailable

Handler = Callable[[Any], Any]
"""What a worker runs for each job; its return value (or QueryError) goes back to the caller."""

_log = logging.getLogger("mzgraph.store")

_TRIM_AFTER = 0.2
"""Seconds of work after which a worker returns its free heap to the system (it costs about a millisecond)."""


@dataclass
class _Worker:
    pid: int
    conn: Connection


class WorkerPool:
    """``size`` worker processes running ``handler``; :meth:`call` is thread-safe and blocking."""

    def __init__(self, handler: Handler, size: int) -> None:
        self.size = size
        self.restarts = 0
        """How often the zygote was found dead and started again."""
        self._handler = handler
        self._dir = tempfile.mkdtemp(prefix="mzgraph-workers-")
        self._address = os.path.join(self._dir, "socket")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self._address)
        self._listener.listen(size + 8)
        self._listener.settimeout(0.2)
        self._control_lock = threading.Lock()
        self._restart_lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._awaited = 0
        self._current: set[int] = set()
        """Workers of the current zygote: only those are its to replace."""
        self._start_zygote()
        self._acceptor = threading.Thread(target=self._accept, name="mzgraph-workers", daemon=True)
        self._acceptor.start()

    def _start_zygote(self) -> None:
        ours, theirs = Pipe()
        self._awaited = self.size
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the zygote
            try:
                _zygote(self._handler, self.size, self._address, theirs)
            finally:
                os._exit(1)
        theirs.close()
        self._zygote_pid = pid
        self._control = ours

    def problem(self) -> str | None:
        """Why queries cannot be answered now (the workers stopped, or are starting again), or None.

        Workers found stopped are started again here, so asking is enough to recover.
        """
        if self._closed:
            return "the store is closed"
        if _has_exited(self._zygote_pid):
            self._restart()
        if self._awaited:
            return f"the query workers are starting ({self.size - self._awaited} of {self.size} ready)"
        return None

    def _restart(self) -> None:
        """Start a new zygote and workers after the old ones died (killed by an operator, out of memory, ...)."""
        with self._restart_lock:
            if self._closed or not _has_exited(self._zygote_pid):
                return  # another thread has restarted it already
            _log.warning("the query workers stopped; starting them again")
            while True:
                try:
                    self._idle.get_nowait().conn.close()
                except queue.Empty:
                    break
            with self._control_lock:
                self._control.close()
                self._current.clear()
                self._start_zygote()
            self.restarts += 1

    @property
    def pid(self) -> int:
        """The zygote's process id; the workers are its children (for monitoring)."""
        return self._zygote_pid

    def call(self, job: Any, timeout: float) -> Any:
        """Run ``job`` in a worker; raises QueryTimeout after ``timeout`` s (the worker is killed)."""
        deadline = time.monotonic() + timeout
        worker = self._send(job, deadline)
        try:
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                self._replace(worker)
                raise QueryTimeout(
                    f"the query ran for more than {timeout:g} s and was stopped; narrow it down "
                    "(more specific patterns, LIMIT) or ask for less",
                    detail={"timeout": timeout},
                )
            status, value = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise QueryCrashed(
                "the process evaluating this query crashed (most likely the query is too deeply nested or "
                "too long for the evaluator's stack); simplify it. The server itself is fine."
            ) from None
        self._idle.put(worker)
        if status == "ok":
            return value
        if status == "error":
            raise value
        raise QueryFailed(str(value))

    def _send(self, job: Any, deadline: float) -> _Worker:
        """Hand ``job`` to an idle worker; one that died while idle is replaced and the next one tried."""
        while True:
            worker = self._take(deadline)
            try:
                worker.conn.send(job)
                return worker
            except OSError:
                self._replace(worker)

    def close(self) -> None:
        """Stop the workers and the zygote; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._listener.close()
        with self._control_lock:
            self._control.close()
        while True:
            try:
                self._idle.get_nowait().conn.close()
            except queue.Empty:
                break
        self._acceptor.join(2)
        _wait_or_kill(self._zygote_pid, grace=3.0)
        shutil.rmtree(self._dir, ignore_errors=True)

    def _take(self, deadline: float) -> _Worker:
        while True:
            if self._closed:
                raise StoreUnavailable("the store is closed")
            remaining = deadline - time.monotonic()
            try:
                return self._idle.get(timeout=max(min(remaining, 1.0), 0.0))
            except queue.Empty:
                if _has_exited(self._zygote_pid):
                    self._restart()
                    if deadline - time.monotonic() <= 0:
                        raise StoreUnavailable(
                            "the query workers stopped and are being started again; try again in a moment"
                        ) from None
                    continue
                if remaining <= 1.0:
                    raise StoreBusy(
                        f"all {self.size} query workers stayed busy until the deadline; try again in a moment"
                    ) from None

    def _replace(self, worker: _Worker) -> None:
        worker.conn.close()
        with self._control_lock, contextlib.suppress(OSError):
            if worker.pid in self._current:  # a worker of a zygote that died is gone, and already replaced
                self._current.discard(worker.pid)
                self._control.send(("replace", worker.pid))

    def _accept(self) -> None:
        while not self._closed:
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                if _has_exited(self._zygote_pid):
                    self._restart()
                continue
            except OSError:
                return
            sock.settimeout(None)
            conn = Connection(sock.detach())
            if conn.poll(5.0):
                with contextlib.suppress(EOFError, OSError):
                    worker = _Worker(int(conn.recv()), conn)
                    self._current.add(worker.pid)
                    self._idle.put(worker)
                    self._awaited = max(self._awaited - 1, 0)
                    continue
            conn.close()


def _zygote(handler: Handler, size: int, address: str, control: Connection) -> NoReturn:  # pragma: no cover
    """Fork workers on request; kill the ones the parent gives up on; exit when the parent goes."""
    _detach_from_parent(keep=control.fileno())
    children: set[int] = set()

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                _worker(handler, address)
            finally:
                os._exit(1)
        children.add(pid)

    try:
        for _ in range(size):
            spawn()
        while True:
            if control.poll(0.5):
                try:
                    command, pid = control.recv()
                except (EOFError, OSError):
                    break
                if command == "replace":
                    if pid in children:
                        os.kill(pid, signal.SIGKILL)
                    spawn()
            _reap(children, block=False)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        _reap(children, block=True)
        os._exit(0)


def _worker(handler: Handler, address: str) -> NoReturn:  # pragma: no cover - runs in a worker
    """Answer jobs from the parent until it hangs up."""
    die_with_parent()  # the zygote
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(address)
    conn = Connection(sock.detach())
    conn.send(os.getpid())
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        started = time.monotonic()
        try:
            reply: tuple[str, Any] = ("ok", handler(job))
        except QueryError as err:
            reply = ("error", err)
        except Exception as err:
            reply = ("failed", f"{type(err).__name__}: {err}")
        conn.send(reply)
        del reply
        if time.monotonic() - started > _TRIM_AFTER:  # a big job leaves big free heap: hand it back
            return_freed_memory()


def _detach_from_parent(keep: int) -> None:  # pragma: no cover - runs in the zygote
    """Drop what the zygote inherited and must not hold: signal handlers and file descriptors.

    Inherited descriptors would keep the parent's sockets open (a closed server's port would stay
    bound); inherited objects are frozen so the collector never finalises one onto a reused descriptor.
    Free heap (left by parsing the data) goes back to the system first: workers reusing it would copy
    its pages, while the store's own pages stay shared.
    """
    return_freed_memory()
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which closes the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.closerange(3, keep)
    os.closerange(keep + 1, _max_fd())


def return_freed_memory() -> None:
    """Collect garbage and give free heap back to the system (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _max_fd() -> int:
    try:
        return int(os.sysconf("SC_OPEN_MAX"))
    except (OSError, ValueError):  # pragma: no cover
        return 65536


def _reap(children: set[int], *, block: bool) -> None:  # pragma: no cover - runs in the zygote
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)


def _has_exited(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done != 0


def _wait_or_kill(pid: int, *, grace: float) -> None:
    """Reap child ``pid``, killing it if it has not exited after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if _has_exited(pid):
            return
        time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
