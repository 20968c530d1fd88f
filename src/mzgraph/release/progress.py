"""Progress of a build on a terminal (rich: a line per step with what it has read and the time it took).

Quiet when output is not a terminal or when asked; rich leaves colour out when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")

_EVERY = 4096
"""Rows between two updates of the display (updating for every row would cost more than reading it)."""


class Reporter:
    """Where a build reports its steps; this base class reports nothing (see :func:`reporter`).

    Use it as a context manager around the build: the display is live in between.
    """

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        """A step of the build, shown while it runs and with its duration when done."""
        yield

    def rows(self, items: Iterable[T], description: str) -> Iterator[T]:
        """``items`` passed through, counted on the display under ``description``."""
        yield from items

    def note(self, text: str) -> None:
        """A line of its own (a summary)."""


class _Rich(Reporter):
    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._console = Console(file=stream, highlight=False)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
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

    def note(self, text: str) -> None:
        self._console.print(text)


def reporter(stream: IO[str], *, quiet: bool = False) -> Reporter:
    """A reporter writing to ``stream`` if it is a terminal and not ``quiet``; otherwise one that says nothing."""
    if quiet or not stream.isatty():
        return Reporter()
    return _Rich(stream)
