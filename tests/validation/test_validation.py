"""``mzgraph validate`` on the bundled graph and on copies with one fact broken; exit codes, formats, options."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph

from mzgraph.bundled import data_dir
from mzgraph.cli import main
from mzgraph.validation import read_shapes, read_sources, validate

MZGRAPH = str(Path(sys.executable).with_name("mzgraph"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "validation"
ID = "https://w3id.org/mzgraph/id/"
MZ = "https://w3id.org/mzgraph/def/"


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MZGRAPH, "validate", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def _copy_of_bundled_data(tmp_path: Path) -> Path:
    """The published data (no private contacts, no source texts), in a folder of its own."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy, ignore=shutil.ignore_patterns("private", "sources"))
    return copy


def _break(path: Path, subject: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in the statement block of ``subject`` (a regex for its first line); its line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(subject, line))
    end = next((i for i in range(start, len(lines)) if lines[i].strip() == ""), len(lines))
    block = "".join(lines[start:end])
    assert old in block, f"{old!r} not in the block of {subject!r} in {path.name}: the data changed"
    lines[start:end] = [block.replace(old, new, 1)]
    path.write_text("".join(lines), encoding="utf-8")
    return start + 1


def test_bundled_data_conforms() -> None:
    result = _run()

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    summary = result.stdout.strip().splitlines()[-1]
    assert "0 violations" in summary and summary.endswith("; conforms.")


BROKEN_FACTS = {
    "recognition date dropped": (
        "organisations/gemeente-haarlem.ttl",
        r"<https://w3id\.org/mzgraph/id/recognition/gemeente-haarlem> ",
        '    mz:recognitionDate "2018-11-16"^^xsd:date ;\n',
        "",
        f"{ID}recognition/gemeente-haarlem",
        f"<{MZ}recognitionDate>",
    ),
    "count not numeric": (
        "organisations/gemeente-haarlem.ttl",
        r"fig:employees ",
        "schema:value 1400 ;",
        'schema:value "ongeveer 1400" ;',
        f"{ID}figure/gemeente-haarlem/employees",
        "<https://schema.org/value>",
    ),
    "unknown measure group": (
        "organisations/gemeente-emmen.ttl",
        r"m:dialogue-1 ",
        "mz:measureGroup mg:dialogue ;",
        "mz:measureGroup mg:conversation ;",
        f"{ID}measure/gemeente-emmen/dialogue-1",
        f"<{MZ}measureGroup>",
    ),
}


@pytest.mark.parametrize(
    ("file", "subject", "old", "new", "focus", "path"), BROKEN_FACTS.values(), ids=BROKEN_FACTS.keys()
)
def test_one_broken_fact_is_named_with_file_line_node_and_path(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    file: str,
    subject: str,
    old: str,
    new: str,
    focus: str,
    path: str,
) -> None:
    data = _copy_of_bundled_data(tmp_path)
    line = _break(data / file, subject, old, new)
    monkeypatch.chdir(tmp_path)

    code = main(["validate", "data", "--format", "json"])
    report = json.loads(capsys.readouterr().out)

    assert code == 1
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violations, report
    assert {(r["file"], r["line"], r["focus"], r["path"]) for r in violations} == {(f"data/{file}", line, focus, path)}


def test_text_report_names_file_line_node_path_and_fix(tmp_path: Path) -> None:
    data = _copy_of_bundled_data(tmp_path)
    file, subject, old, new, *_ = BROKEN_FACTS["recognition date dropped"]
    line = _break(data / file, subject, old, new)

    result = _run("data", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    assert f"data/{file}:{line}  <{ID}recognition/gemeente-haarlem>\n" in result.stdout
    block = result.stdout.split(f"data/{file}:{line}", 1)[1]
    assert "Violation  mz:recognitionDate  [minCount]" in block
    assert "fix: " in block
    assert result.stdout.strip().splitlines()[-1].endswith("1 violation, 0 warnings, 0 infos; does not conform.")


def test_syntax_error_exits_2_with_file_line_column_and_no_traceback() -> None:
    result = _run("syntax-error.ttl", cwd=FIXTURES)

    assert result.returncode == 2
    assert result.stdout == ""
    assert re.match(r"syntax-error\.ttl:8:5: \S", result.stderr)
    assert "Traceback" not in result.stderr


def test_every_unreadable_input_of_a_run_is_named_and_nothing_is_validated() -> None:
    result = _run("missing.ttl", "not-utf8.ttl", "valid-organisation.ttl", "syntax-error.ttl", cwd=FIXTURES)

    assert result.returncode == 2
    assert result.stdout == ""
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()] == [
        "missing.ttl",
        "not-utf8.ttl:3:74",
        "syntax-error.ttl:8:5",
    ]


def test_an_empty_folder_or_shapes_without_targets_cannot_be_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    valid = str(FIXTURES / "valid-organisation.ttl")
    assert main(["validate", str(tmp_path)]) == 2
    assert "no RDF files" in capsys.readouterr().err
    assert main(["validate", valid, "--shapes", valid]) == 2
    assert "no SHACL shapes with a target" in capsys.readouterr().err


def test_json_report_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(FIXTURES / "warnings-only.ttl"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)

    assert code == 0
    assert set(report) == {"conforms", "counts", "files", "results"}
    assert report["conforms"] is True
    assert report["counts"] == {"Violation": 0, "Warning": 2, "Info": 0}
    assert set(report["results"][0]) == {
        "file",
        "line",
        "focus",
        "anchor",
        "anchor_path",
        "path",
        "value",
        "severity",
        "message",
        "fix",
        "shape",
        "component",
    }
    assert {r["shape"] for r in report["results"]} == {f"{MZ}shapes/EnglishLabel", f"{MZ}shapes/MeasureShape"}


def test_turtle_report_is_a_shacl_validation_report(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(FIXTURES / "figure-not-numeric.ttl"), "--format", "turtle"])
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")

    assert code == 1
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms).toPython() is False
    results = list(graph.objects(report, SH.result))
    assert len(results) == 2
    assert {graph.value(r, SH.sourceConstraintComponent) for r in results} == {
        SH.OrConstraintComponent,
        SH.MinExclusiveConstraintComponent,
    }


def test_colour_only_when_asked_or_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    case = str(FIXTURES / "unknown-measure-group.ttl")
    main(["validate", case])
    assert "\x1b[" not in capsys.readouterr().out
    main(["validate", case, "--color", "always"])
    assert "\x1b[31mViolation" in capsys.readouterr().out


def test_messages_and_fixes_in_the_language_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <{MZ}shapes/S> a sh:NodeShape ; sh:targetClass <{MZ}Employer> ;
            sh:property [ sh:path <{MZ}ambassadorRole> ; sh:minCount 1 ;
                sh:message "Geen ambassadeurschap."@nl , "No ambassador role."@en ;
                sh:description "Voeg er een toe."@nl , "Add one."@en ] .""",
        encoding="utf-8",
    )
    case = str(FIXTURES / "valid-organisation.ttl")

    wanted = {"en": ("No ambassador role.", "Add one."), "nl": ("Geen ambassadeurschap.", "Voeg er een toe.")}
    for lang, (message, fix) in wanted.items():
        assert main(["validate", case, "--shapes", str(shapes), "--lang", lang, "--format", "json"]) == 1
        (result,) = json.loads(capsys.readouterr().out)["results"]
        assert (result["message"], result["fix"]) == (message, fix)


def test_the_ontology_supplies_subclasses_and_code_lists(capsys: pytest.CaptureFixture[str]) -> None:
    case = str(FIXTURES / "valid-organisation.ttl")

    assert main(["validate", case]) == 0
    capsys.readouterr()
    assert main(["validate", case, "--no-ontology", "--format", "json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    # without the ontology the measure-type concepts are unknown, so categories fail their scheme check
    assert any(r["path"] == f"<{MZ}category>" for r in results)


def test_a_literal_focus_node_is_reported_in_the_file_that_mentions_it(tmp_path: Path) -> None:
    data, shapes = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data.write_text('<urn:s> <urn:p> "x" .\n', encoding="utf-8")
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<urn:shape> a sh:NodeShape ; sh:targetNode "x" ; sh:datatype xsd:integer .\n',
        encoding="utf-8",
    )

    report = validate(read_sources([data]), read_shapes([shapes]))

    assert [(str(r.focus), r.file, r.line) for r in report.results] == [("x", data, None)]
