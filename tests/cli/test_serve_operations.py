"""``mzgraph serve`` as an operator runs it: ``--version``, JSON log lines parsed one by one, and ``/metrics`` summed
over two web workers, read with ``prometheus_client``'s own parser."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from mzgraph import __version__
from tools.servers import mzgraph_server

ACCESS_KEYS = {"time", "level", "logger", "message", "method", "path", "status", "duration_ms", "bytes", "request_id"}
QUERY_KEYS = {
    "time",
    "level",
    "logger",
    "message",
    "query_hash",
    "kind",
    "outcome",
    "duration_ms",
    "rows",
    "request_id",
}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SECRET = "SELECT * WHERE { ?s ?p 'my-secret-token' } LIMIT 1"

pytestmark = pytest.mark.slow


def test_version_comes_from_the_package_metadata(mzgraph: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    done = mzgraph("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"mzgraph {__version__}"
    assert __version__.count(".") >= 2


def test_json_logs_have_one_access_line_per_request_and_one_line_per_query(tmp_path: Path) -> None:
    log = tmp_path / "stderr.log"
    with mzgraph_server("--log-format", "json", "--timeout", "1", log=log) as url:
        with httpx.Client(base_url=url, timeout=30) as client:
            lines_before = len(log.read_text().splitlines())
            ok = client.get("/sparql", params={"query": SECRET}, headers={"X-Request-ID": "ok-1"})
            missing = client.get("/no-such-page", headers={"X-Request-ID": "missing-1"})
            runaway = client.get("/sparql", params={"query": RUNAWAY}, headers={"X-Request-ID": "timeout-1"})
            rejected = client.post(
                "/sparql",
                content="SELEKT *",
                headers={"Content-Type": "application/sparql-query", "X-Request-ID": "bad-1"},
            )
        assert [ok.status_code, missing.status_code, runaway.status_code, rejected.status_code] == [200, 404, 504, 400]
        text = log.read_text()  # read while the server runs: every line it wrote is JSON
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) >= lines_before + 7
    assert all(isinstance(r, dict) and {"time", "level", "logger", "message"} <= r.keys() for r in records)
    assert any(r["logger"] == "mzgraph.serve" and __version__ in r["message"] for r in records)
    access = {r["request_id"]: r for r in records if r["logger"] == "mzgraph.access"}
    queries = {r["request_id"]: r for r in records if r["logger"] == "mzgraph.queries"}
    for ident, method, path, status in [
        ("ok-1", "GET", "/sparql", 200),
        ("missing-1", "GET", "/no-such-page", 404),
        ("timeout-1", "GET", "/sparql", 504),
        ("bad-1", "POST", "/sparql", 400),
    ]:
        line = access[ident]
        assert set(line) == ACCESS_KEYS
        assert (line["method"], line["path"], line["status"]) == (method, path, status)
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert isinstance(line["bytes"], int) and line["bytes"] > 0
    assert access["timeout-1"]["duration_ms"] >= 1000
    expected = {
        "ok-1": ("SELECT", "ok", 0),
        "timeout-1": ("SELECT", "timeout", None),
        "bad-1": ("unknown", "rejected", None),
    }
    for ident, (kind, outcome, rows) in expected.items():
        line = queries[ident]
        assert set(line) == QUERY_KEYS
        assert (line["kind"], line["outcome"], line["rows"]) == (kind, outcome, rows)
        assert len(line["query_hash"]) == 16
    assert "missing-1" not in queries
    assert queries["timeout-1"]["duration_ms"] >= 1000
    assert "my-secret-token" not in text  # the hash names a query, never its text


def test_text_logs_are_one_line_per_request_with_the_same_fields(tmp_path: Path) -> None:
    log = tmp_path / "stderr.log"
    with mzgraph_server("--log-level", "info", log=log) as url:
        httpx.get(url + "/sparql", params={"query": "ASK {}"}, headers={"X-Request-ID": "text-1"})
        text = log.read_text()
    lines = [line for line in text.splitlines() if "request_id=text-1" in line]
    assert len(lines) == 2
    assert "mzgraph.queries" in lines[0] and "outcome=ok" in lines[0] and "kind=ASK" in lines[0]
    assert "mzgraph.access GET /sparql 200" in lines[1] and "status=200" in lines[1]


def test_metrics_are_summed_over_two_web_workers(tmp_path: Path) -> None:
    requests = 40
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left over from an earlier run")  # emptied at start
    with mzgraph_server("--workers", "2", "--metrics-dir", str(metrics_dir)) as url:
        pids: set[str] = set()
        for _ in range(requests):
            with httpx.Client(timeout=30) as client:  # a new connection each time: both workers answer
                assert client.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 200
            pids |= {p.name for p in metrics_dir.glob("counter_*.db")}
        text = httpx.get(url + "/metrics", timeout=30).text
    assert len(pids) == 2, "both workers answered some of the requests"
    families = {family.name: family for family in text_string_to_metric_families(text)}
    counted = sum(
        s.value
        for s in families["mzgraph_http_requests"].samples
        if s.name.endswith("_total") and s.labels["group"] == "sparql"
    )
    assert counted == requests
    queries = sum(s.value for s in families["mzgraph_sparql_queries"].samples if s.name.endswith("_total"))
    assert queries == requests
    release = families["mzgraph_release_info"].samples
    assert len(release) == 1 and release[0].value == 1
