"""Every case under tests/fixtures/validation/ gives exactly the results and exit code it declares (see its README)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mzgraph.cli import main
from mzgraph.validation.report import constraint_name

FIXTURES = Path(__file__).parents[1] / "fixtures" / "validation"
SIDECAR = ".expected.json"


def _cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if not p.name.endswith(SIDECAR) and p.name != "README.md")


def _expected(case: Path) -> dict:
    sidecar = case.with_name(case.name + SIDECAR)
    return json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {"exit": 0, "results": []}


def _unmatched(results: list[dict], wanted: list[dict]) -> tuple[list[dict], list[dict]]:
    """Pair each wanted entry with a distinct result having all its fields; return what is left on each side."""
    remaining = [{**r, "constraint": constraint_name(r["component"])} for r in results]
    missing = []
    for entry in wanted:
        match = next((r for r in remaining if all(r.get(k) == v for k, v in entry.items())), None)
        if match is None:
            missing.append(entry)
        else:
            remaining.remove(match)
    return missing, remaining


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_fixture_gives_what_it_declares(
    case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _expected(case)
    monkeypatch.chdir(FIXTURES)

    code = main(["validate", case.name, "--format", "json"])
    out, err = capsys.readouterr()

    assert code == expected["exit"], err or out
    assert "Traceback" not in err
    if code == 2:
        assert out == ""
        for start in expected["stderr"]:
            assert any(line.startswith(start) for line in err.splitlines()), err
        return
    default_file = {"file": case.name} if case.is_file() else {}
    wanted = [{**default_file, **entry} for entry in expected["results"]]
    missing, unexpected = _unmatched(json.loads(out)["results"], wanted)
    assert (missing, unexpected) == ([], [])
