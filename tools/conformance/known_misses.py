"""The list of known misses, each with its cause, and the check that a run agrees with it."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tools.conformance.protocol import ProtocolOutcome
from tools.conformance.runner import Outcome

AnyOutcome = Outcome | ProtocolOutcome


@dataclass(frozen=True)
class Cause:
    """Why some tests fail: a title, an explanation (Markdown), the tests and the backends concerned."""

    title: str
    explanation: str
    tests: tuple[str, ...]
    backends: frozenset[str] | None = None
    by_value: bool = False

    def applies_to(self, backend: str) -> bool:
        return self.backends is None or backend in self.backends


@dataclass(frozen=True)
class Agreement:
    """How a run compares with the known misses: new failures, and listed tests that now pass."""

    unexplained: tuple[AnyOutcome, ...] = ()
    fixed: tuple[str, ...] = ()
    not_by_value: tuple[AnyOutcome, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.unexplained or self.fixed or self.not_by_value)


def read_known_misses(path: Path) -> list[Cause]:
    """The causes in a ``known-misses.toml`` file."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    causes = []
    for entry in data.get("cause", []):
        backends = entry.get("backends")
        causes.append(
            Cause(
                title=entry["title"],
                explanation=" ".join(entry["explanation"].split()),
                tests=tuple(entry["tests"]),
                backends=frozenset(backends) if backends is not None else None,
                by_value=bool(entry.get("by_value", False)),
            )
        )
    return causes


def cause_of(test_id: str, causes: Iterable[Cause], backend: str) -> Cause | None:
    """The cause listing ``test_id`` for ``backend``, if any."""
    return next((cause for cause in causes if test_id in cause.tests and cause.applies_to(backend)), None)


def agreement(outcomes: Iterable[AnyOutcome], causes: list[Cause], backend: str) -> Agreement:
    """Compare a run on ``backend`` with the causes listed for it."""
    outcomes = list(outcomes)
    run_ids = {outcome.id for outcome in outcomes}
    unexplained, not_by_value = [], []
    for outcome in outcomes:
        if outcome.passed:
            continue
        cause = cause_of(outcome.id, causes, backend)
        if cause is None:
            unexplained.append(outcome)
        elif cause.by_value and not outcome.passes_by_value:
            not_by_value.append(outcome)
    failed = {outcome.id for outcome in outcomes if not outcome.passed}
    listed = {test for cause in causes if cause.applies_to(backend) for test in cause.tests}
    fixed = sorted((listed & run_ids) - failed)
    return Agreement(tuple(unexplained), tuple(fixed), tuple(not_by_value))
