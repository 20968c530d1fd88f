"""Progress of long work on a terminal: loading files, building the release index, validating pieces, importing
texts (rich: a line per step with what it has done, its rate and the time left where the total is known).

Quiet when output is not a terminal or when asked (``--quiet``); rich leaves colour out when ``NO_COLOR`` is set.
Code that does long work takes a :class:`Reporter` and calls it; the base class reports nothing, so library
callers and tests pay nothing for it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")

_EVERY = 4096
"""Rows between two updates of the display (updating for every row would cost more than reading it)."""


class Reporter:
    """Where long work reports its steps; this base class reports nothing (see :func:`reporter`).

    Use it as a context manager around the work: the display is live in between.
    """

    active = False
    """Whether anything is shown (work may skip measuring what nobody sees, e.g. bytes read)."""

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        """A step of the work, shown while it runs and with its duration when done."""
        yield

    def rows(self, items: Iterable[T], description: str) -> Iterator[T]:
        """``items`` passed through, counted on the display under ``description``."""
        yield from items

    def items(self, items: Iterable[T], description: str, total: int) -> Iterator[T]:
        """``items`` passed through with a bar: how many of ``total`` are done, and the time left."""
        yield from items

    @contextlib.contextmanager
    def bytes(self, description: str, total: int) -> Iterator[Callable[[int], None]]:
        """A bar of ``total`` bytes with the rate and the time left; the block calls what it yields with each
        number of bytes read."""
        yield _ignore

    def note(self, text: str) -> None:
        """A line of its own (a summary)."""


def _ignore(count: int) -> None:
    return None


class _Rich(Reporter):
    """One live display (rich allows one at a time): a line per step, row count, bar of items or of bytes."""

    active = True

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self._console = Console(file=stream, highlight=False)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self._console,
            transient=False,
        )

    def __enter__(self) -> Reporter:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        task = self._progress.add_task(description, total=None, count="")
        started = time.monotonic()
        try:
            yield
        finally:
            self._progress.update(
                task, total=1, completed=1, description=f"{description} ({time.monotonic() - started:.1f} s)"
            )

    def rows(self, items: Iterable[T], description: str) -> Iterator[T]:
        task = self._progress.add_task(f"  {description}", total=None, count="0")
        count = 0
        for count, item in enumerate(items, 1):
            if not count % _EVERY:
                self._progress.update(task, count=f"{count:,}")
            yield item
        self._progress.update(task, total=1, completed=1, count=f"{count:,}")

    def items(self, items: Iterable[T], description: str, total: int) -> Iterator[T]:
        task = self._progress.add_task(f"  {description}", total=total, count=f"0/{total:,}")
        for done, item in enumerate(items, 1):
            yield item
            self._progress.update(task, completed=done, count=f"{done:,}/{total:,}")

    @contextlib.contextmanager
    def bytes(self, description: str, total: int) -> Iterator[Callable[[int], None]]:
        task = self._progress.add_task(f"  {description}", total=max(total, 1), count="")
        started = time.monotonic()
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            rate = done / max(time.monotonic() - started, 1e-6)
            self._progress.update(
                task, completed=done, count=f"{done / 1e6:,.1f}/{total / 1e6:,.1f} MB, {rate / 1e6:,.1f} MB/s"
            )

        yield advance
        self._progress.update(task, completed=max(total, 1))

    def note(self, text: str) -> None:
        self._console.print(text)


def reporter(stream: IO[str], *, quiet: bool = False) -> Reporter:
    """A reporter writing to ``stream`` if it is a terminal and not ``quiet``; otherwise one that says nothing."""
    if quiet or not stream.isatty():
        return Reporter()
    return _Rich(stream)
