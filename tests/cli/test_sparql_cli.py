"""``mzgraph query`` and ``mzgraph serve``: answers on stdout, clear errors with exit code 2, clean shutdown."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest

from common import ROOT, SPARQL_DATA
from tools.servers import free_port

RUN = Callable[..., subprocess.CompletedProcess[str]]
ORG = "https://w3id.org/mzgraph/id/organisation/"
DATA = [flag for path in SPARQL_DATA for flag in ("--data", str(path))]
EMPLOYERS = (
    "PREFIX mz: <https://w3id.org/mzgraph/def/>\n"
    "SELECT ?org ?n WHERE { ?org a mz:Employer ; <https://schema.org/numberOfEmployees> ?n } ORDER BY ?n\n"
)


def test_query_prints_a_table_with_short_names(mzgraph: RUN) -> None:
    done = mzgraph("query", "-", *DATA, input=EMPLOYERS)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["org", "n"]
    assert lines[2].split() == ["<https://w3id.org/mzgraph/id/organisation/gamma>", "45"]
    assert lines[-1] == "(2 rows)"


def test_query_reads_a_file_and_prints_any_format(mzgraph: RUN, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text(EMPLOYERS, encoding="utf-8")
    done = mzgraph("query", str(query), "--format", "json", *DATA)
    assert [b["n"]["value"] for b in json.loads(done.stdout)["results"]["bindings"]] == ["45", "120"]
    ask = mzgraph("query", "-", *DATA, input="ASK { ?s ?p ?o }")
    assert ask.stdout == "yes\n"
    turtle = mzgraph(
        "query", "-", "--format", "ttl", *DATA, input="DESCRIBE <https://w3id.org/mzgraph/id/partner/mezzo>"
    )
    assert "@prefix rdfs:" in turtle.stdout and '"Mezzo"@nl' in turtle.stdout


def test_query_says_when_the_row_cap_cut_the_answer(mzgraph: RUN) -> None:
    done = mzgraph("query", "-", "--max-rows", "1", *DATA, input=EMPLOYERS)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "(1 row)"
    assert "only the first 1 rows" in done.stderr


def test_flags_override_the_environment(mzgraph: RUN) -> None:
    from_environment = mzgraph("query", "-", *DATA, input=EMPLOYERS, env={"MZGRAPH_MAX_ROWS": "1"})
    assert from_environment.stdout.splitlines()[-1] == "(1 row)"
    overridden = mzgraph("query", "-", "--max-rows", "5", *DATA, input=EMPLOYERS, env={"MZGRAPH_MAX_ROWS": "1"})
    assert overridden.stdout.splitlines()[-1] == "(2 rows)"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["query", "-", *DATA], "SELECT * WHERE { ?s ?p }", "line 1, column"),
        (["query", "-", *DATA], "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        (["query", "/nonexistent/q.rq", *DATA], None, "/nonexistent/q.rq: cannot read the query"),
        (["query", "-", "--format", "ttl", *DATA], EMPLOYERS, "supported: application/sparql-results+json"),
        (["query", "-", "--data", "/nonexistent/data.ttl"], EMPLOYERS, "/nonexistent/data.ttl: no such file"),
        (["serve", "--data", str(ROOT / "pyproject.toml")], None, "unknown RDF file extension"),
        (["query", "-", "--timeout", "-1", *DATA], EMPLOYERS, "query_timeout"),
    ],
    ids=["syntax", "service", "missing query file", "format", "missing data", "not rdf", "bad setting"],
)
def test_bad_input_is_one_line_and_exit_code_2(mzgraph: RUN, args: list[str], stdin: str | None, message: str) -> None:
    done = mzgraph(*args, input=stdin)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@contextmanager
def _serve(log: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    command = [sys.executable, "-m", "mzgraph.cli", "serve", "--port", str(port), *args]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_answers_and_shuts_down_cleanly(workers: str, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with _serve(log, *DATA, "--workers", workers, "--timeout", "2") as (url, process):
        answer = httpx.get(url, params={"query": EMPLOYERS, "format": "csv"})
        assert answer.status_code == 200, log.read_text()
        assert answer.text.splitlines()[1:] == [f"{ORG}gamma,45", f"{ORG}alpha,120"]
        forked = [p for p in psutil.Process(process.pid).children(recursive=True) if "mzgraph.cli" in p.cmdline()]
    assert process.returncode == 0
    assert "serving 33 triples" in log.read_text()
    if workers == "1":
        assert forked, "queries are evaluated in forked worker processes"
        time.sleep(0.5)
        assert not [p for p in forked if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
