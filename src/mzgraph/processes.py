"""Helpers for the child processes mzgraph starts."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux), so no worker outlives a server.

    Used as a process-pool initializer and by the store's query workers: a server stopped by SIGTERM or
    SIGKILL must not leave its validation or query workers behind as orphans.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def die_with_spawning_parent() -> None:
    """:func:`die_with_parent` in a process started by ``multiprocessing`` (spawn), which may have outlived
    its parent already while it started (the kernel's request only covers a parent that dies later)."""
    die_with_parent()
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)


def background_worker() -> None:
    """Initializer of a worker doing background work: dies with its parent, yields the CPU to queries."""
    die_with_spawning_parent()
    os.nice(10)
