"""The wheel holds the runtime package and its bundled data, nothing else, and works on its own.

No tests, no developer tools (the conformance runner, the server helpers), no benchmarks: those stay in the
repository. The package data that moved inside the package (the JSON-LD context, templates, static files)
must be found from the wheel, not from a checkout; so must the pages' translations (PO files, compiled when
first used).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from common import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out), str(ROOT)]
    subprocess.run(command, capture_output=True, check=True, timeout=300)
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_holds_only_the_mzgraph_package_and_its_metadata(names: list[str]) -> None:
    outside = [n for n in names if not n.startswith("mzgraph/") and not n.startswith("mzgraph-0.1.0.dist-info/")]
    assert outside == []


def test_no_tests_tools_or_benchmarks_are_packaged(names: list[str]) -> None:
    parts = {part for name in names for part in name.split("/")[:-1]}
    assert not parts & {"tests", "tools", "benchmarks", "conformance"}
    assert not [n for n in names if "/test_" in n or n.endswith("conftest.py") or "servers.py" in n]


def test_the_wheel_has_the_runtime_modules_and_the_bundled_data(names: list[str]) -> None:
    for expected in (
        "mzgraph/cli/__main__.py",
        "mzgraph/rdf/reading.py",
        "mzgraph/sparql/guard.py",
        "mzgraph/validation/engine.py",
        "mzgraph/web/routes/sparql.py",
        "mzgraph/web/views/entities.py",
        "mzgraph/web/templates/base.html",
        "mzgraph/web/locale/en/LC_MESSAGES/mzgraph.po",
        "mzgraph/web/locale/nl/LC_MESSAGES/mzgraph.po",
        "mzgraph/entities/context/v1.jsonld",
        "mzgraph/_bundled/ontology/mzgraph.ttl",
        "mzgraph/_bundled/shapes/mzgraph-shapes.ttl",
        "mzgraph/_bundled/queries/ambassadors-by-year.rq",
    ):
        assert expected in names, expected
    runtime = {n.split("/")[1] for n in names if n.startswith("mzgraph/") and n.count("/") >= 2}
    assert runtime == {
        "_bundled",
        "cli",
        "entities",
        "importer",
        "rdf",
        "release",
        "sparql",
        "store",
        "validation",
        "web",
    }


def test_the_unpacked_wheel_answers_a_query_and_reads_its_context(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    check = (
        "import mzgraph, json; from mzgraph import bundled; from mzgraph.entities.jsonld import context;"
        "from mzgraph.web.i18n import translations;"
        "print(mzgraph.__file__); print(bundled.queries_dir()); print(json.dumps(sorted(context())[:1]));"
        "print(translations('nl').ngettext('%(num)s measure', '%(num)s measures', 2))"
    )
    shown = subprocess.run([sys.executable, "-c", check], env=env, cwd=elsewhere, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    package, queries, _, dutch = shown.stdout.splitlines()
    assert Path(package).is_relative_to(site)
    assert Path(queries) == site / "mzgraph" / "_bundled" / "queries"
    assert dutch == "%(num)s maatregelen"  # the Dutch catalog, compiled from the wheel's PO file

    ask = "ASK { ?organisation <https://w3id.org/mzgraph/def/recognition> ?recognition }"
    answer = subprocess.run(
        [sys.executable, "-m", "mzgraph.cli", "query", "-"],
        input=ask,
        env=env,
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout == "yes\n"
