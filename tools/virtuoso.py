"""Virtuoso 7 (Debian's ``virtuoso-opensource-7-bin``) started for tests and benchmarks.

``Virtuoso(directory, limits=Limits(...))`` writes an ini into ``directory`` (a temporary one when none is
given), starts ``virtuoso-t +foreground`` on two free loopback ports (SQL and HTTP) and returns from
``start()`` once ``/sparql`` answers; ``stop()`` ends it (TERM, wait, KILL) and removes a temporary
directory. It is a context manager, so a pytest fixture is::

    @pytest.fixture(scope="module")
    def virtuoso(tmp_path_factory):
        with Virtuoso(tmp_path_factory.mktemp("virtuoso"), limits=Limits(max_query_execution_time=10)) as server:
            yield server

A fresh database has one administrator, ``dba`` with password ``dba``: ``start()`` replaces that password
with a random one (``dba_password``, kept in ``dba-password`` in the directory for a restart), used by
``isql()``. The anonymous ``/sparql`` endpoint runs as the read-only ``SPARQL`` account; writing over
HTTP needs an account with the ``SPARQL_UPDATE`` role (``add_user``) and HTTP Digest authentication
(Basic credentials are refused) on ``/sparql-auth`` (SPARQL UPDATE) or ``/sparql-graph-crud-auth`` (Graph
Store HTTP Protocol); ``use_basic_auth()`` switches both to HTTP Basic. ``put_graph``, ``post_graph``
and ``insert_data`` push RDF that way; ``load_files`` does either for a list of RDF files.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx
import pyoxigraph as ox

from mzgraph.processes import die_with_parent
from tools.servers import free_port

SERVER = "virtuoso-t"
ISQL = "isql-vt"
INSTALL_HINT = "install Debian's virtuoso-opensource-7-bin (scripts/install-dev does)"
_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 15.0
_PORT_ATTEMPTS = 3


class VirtuosoError(RuntimeError):
    """Virtuoso could not be started, or refused a statement or a request."""


@dataclass(frozen=True)
class Limits:
    """Virtuoso's own limits on SPARQL over HTTP (its ini's ``[SPARQL]`` section); ``None`` leaves one unset.

    Unset, Virtuoso has none of them. ``max_query_execution_time`` (s) ends a query: with the request's
    ``timeout`` parameter it returns what it has so far, marked only by ``X-SQL-State`` headers; without,
    an error. ``result_set_max_rows`` cuts a SELECT's rows, marked only by an ``X-SPARQL-MaxRows`` header.
    ``max_query_cost_estimation_time`` (s) refuses, before running it, a query the optimiser expects to
    take longer.
    """

    max_query_execution_time: int | None = None
    result_set_max_rows: int | None = None
    max_query_cost_estimation_time: int | None = None

    def ini(self) -> dict[str, str]:
        """The ``[SPARQL]`` settings for these limits."""
        settings = {
            "MaxQueryExecutionTime": self.max_query_execution_time,
            "ResultSetMaxRows": self.result_set_max_rows,
            "MaxQueryCostEstimationTime": self.max_query_cost_estimation_time,
        }
        return {key: str(value) for key, value in settings.items() if value is not None}


def binary(name: str) -> str:
    """The full path of a Virtuoso program on PATH; a clear error when it is not installed."""
    found = shutil.which(name)
    if found is None:
        raise VirtuosoError(f"{name} not found: {INSTALL_HINT}")
    return found


def ini_text(
    directory: Path,
    sql_port: int,
    http_port: int,
    limits: Limits,
    *,
    buffers: int = 10_000,
    dirs_allowed: Sequence[Path] = (),
    extra: dict[str, dict[str, str]] | None = None,
) -> str:
    """A ``virtuoso.ini`` for one server in ``directory``, listening on loopback only.

    ``buffers`` are 8 KiB pages of cache (10 000: 80 MB, Virtuoso's own default); the query threads are
    sized for a small shared machine. ``dirs_allowed`` are folders Virtuoso's file functions (bulk
    loading with ``ld_dir``) may read besides ``directory``. ``extra`` adds or overrides settings:
    ``{"Parameters": {"MaxQueryMem": "1G"}}``.
    """
    sections: dict[str, dict[str, str]] = {
        "Database": {
            "DatabaseFile": "virtuoso.db",
            "ErrorLogFile": "virtuoso.log",
            "LockFile": "virtuoso.lck",
            "TransactionFile": "virtuoso.trx",
            "xa_persistent_file": "virtuoso.pxa",
            "ErrorLogLevel": "7",
            "FileExtend": "200",
            "Striping": "0",
            "TempStorage": "TempDatabase",
        },
        "TempDatabase": {"DatabaseFile": "virtuoso-temp.db", "TransactionFile": "virtuoso-temp.trx"},
        "Parameters": {
            "ServerPort": f"127.0.0.1:{sql_port}",
            "DisableUnixSocket": "1",
            "DisableTcpSocket": "0",
            "MaxClientConnections": "10",
            "CheckpointInterval": "60",
            "O_DIRECT": "0",
            "CaseMode": "2",
            "AllowOSCalls": "0",
            "DirsAllowed": ", ".join(str(d) for d in [directory, *dirs_allowed]),
            "NumberOfBuffers": str(buffers),
            "MaxDirtyBuffers": str(buffers * 3 // 4),
            "MaxQueryMem": "256M",
            "ThreadsPerQuery": "2",
            "AsyncQueueMaxThreads": "2",
        },
        "HTTPServer": {
            # An empty folder: Virtuoso serves files under ServerRoot, and the ini must not be one of them.
            "ServerPort": f"127.0.0.1:{http_port}",
            "ServerRoot": str(directory / "www"),
            "MaxClientConnections": "10",
            "ServerThreads": "10",
            "MaxKeepAlives": "10",
            "KeepAliveTimeout": "10",
            "EnabledDavVSP": "0",
            "HTTPProxyEnabled": "0",
            "Charset": "UTF-8",
        },
        "SPARQL": limits.ini(),
    }
    for section, settings in (extra or {}).items():
        sections.setdefault(section, {}).update(settings)
    lines: list[str] = []
    for section, settings in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {value}" for key, value in settings.items()]
        lines.append("")
    return "\n".join(lines)


class Virtuoso:
    """One Virtuoso server on 127.0.0.1 with its database in ``directory``."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        limits: Limits | None = None,
        buffers: int = 10_000,
        dirs_allowed: Sequence[Path] = (),
        extra_ini: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        if directory is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="virtuoso-")
            directory = Path(self._temporary.name)
        self.directory = Path(directory).resolve()
        self.limits = limits or Limits()
        self.buffers = buffers
        self.dirs_allowed = [Path(d).resolve() for d in dirs_allowed]
        self.extra_ini = extra_ini or {}
        self.dba_password = "dba"
        self.sql_port = 0
        self.http_port = 0
        self.process: subprocess.Popen[bytes] | None = None

    # -- where it answers

    @property
    def url(self) -> str:
        """The HTTP server's base URL."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """The anonymous, read-only SPARQL endpoint."""
        return self.url + "/sparql"

    @property
    def sparql_auth_url(self) -> str:
        """The SPARQL endpoint behind Digest authentication (SPARQL UPDATE for accounts allowed to)."""
        return self.url + "/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store HTTP Protocol endpoint behind Digest authentication (``?graph=IRI``)."""
        return self.url + "/sparql-graph-crud-auth"

    @property
    def pid(self) -> int:
        """The server's process id (to watch its CPU and memory)."""
        if self.process is None:
            raise VirtuosoError("Virtuoso is not running")
        return self.process.pid

    @property
    def log_file(self) -> Path:
        """Virtuoso's own log."""
        return self.directory / "virtuoso.log"

    # -- life cycle

    def __enter__(self) -> Virtuoso:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def start(self, timeout: float = _START_TIMEOUT) -> Virtuoso:
        """Write the ini, start the server and wait until ``/sparql`` answers; then secure the ``dba`` account."""
        server = binary(SERVER)
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "www").mkdir(exist_ok=True)
        fresh = not (self.directory / "virtuoso.db").exists()
        password_file = self.directory / "dba-password"
        if password_file.exists():
            self.dba_password = password_file.read_text().strip()
        for attempt in range(_PORT_ATTEMPTS):
            self.sql_port, self.http_port = free_port(), free_port()
            ini = self.directory / "virtuoso.ini"
            ini.write_text(
                ini_text(
                    self.directory,
                    self.sql_port,
                    self.http_port,
                    self.limits,
                    buffers=self.buffers,
                    dirs_allowed=self.dirs_allowed,
                    extra=self.extra_ini,
                )
            )
            with open(self.directory / "stdout.log", "ab") as out:
                self.process = subprocess.Popen(
                    [server, "+configfile", str(ini), "+foreground"],
                    cwd=self.directory,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=die_with_parent,
                )
            try:
                self._wait_until_up(timeout)
                break
            except VirtuosoError:
                # Another process may have taken a port between choosing it and Virtuoso binding it.
                retry = attempt + 1 < _PORT_ATTEMPTS and "Address already in use" in self._log_tail()
                self.stop(keep_directory=retry)
                if not retry:
                    raise
        if fresh:
            password = secrets.token_hex(16)
            try:
                self.isql(f"USER_SET_PASSWORD('dba', '{password}');")
            except VirtuosoError:
                self.stop()
                raise
            self.dba_password = password
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        return self

    def stop(self, *, keep_directory: bool = False) -> None:
        """Stop the server (TERM, then KILL after a wait) and remove its temporary directory."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self._temporary is not None and not keep_directory:
            self._temporary.cleanup()
            self._temporary = None

    def _wait_until_up(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise VirtuosoError(f"virtuoso-t exited with {self.process.returncode}: {self._log_tail()}")
            # The HTTP listener comes up a moment before the SQL one, which isql() needs.
            with contextlib.suppress(httpx.HTTPError, OSError):
                answer = httpx.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2.0)
                if answer.status_code == 200 and "Server online at" in self.log_file.read_text(errors="replace"):
                    return
            time.sleep(0.1)
        raise VirtuosoError(f"Virtuoso did not answer on {self.sparql_url} within {timeout:.0f} s: {self._log_tail()}")

    def _log_tail(self, lines: int = 8) -> str:
        text = ""
        for name in ("virtuoso.log", "stdout.log"):
            with contextlib.suppress(OSError):
                text += (self.directory / name).read_text(errors="replace")
        return " | ".join(text.strip().splitlines()[-lines:])

    # -- administration

    def isql(self, statements: str) -> str:
        """Run SQL statements (each ending in ``;`` and its line) as ``dba`` with ``isql-vt``; their output.

        isql-vt exits with 0 even when a statement fails, so its output is searched for an error.
        """
        command = [
            binary(ISQL),
            f"127.0.0.1:{self.sql_port}",
            "dba",
            self.dba_password,
            "VERBOSE=OFF",
            "BANNER=OFF",
            "PROMPT=OFF",
            "ERRORS=STDOUT",
        ]
        done = subprocess.run(
            command, input=statements + "\n", capture_output=True, text=True, timeout=120, check=False
        )
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise VirtuosoError(f"isql-vt failed: {output.strip()}")
        return output

    def add_user(self, name: str, password: str, *, update: bool = True) -> None:
        """Create an account for the ``-auth`` endpoints; ``update`` lets it write (role ``SPARQL_UPDATE``)."""
        for value in (name, password):
            if not value.replace("-", "").replace("_", "").isalnum():
                raise VirtuosoError("a user name or password here is letters, digits, '-' and '_' only")
        role = "SPARQL_UPDATE" if update else "SPARQL_SELECT"
        self.isql(f"DB.DBA.USER_CREATE('{name}', '{password}');\nGRANT {role} TO \"{name}\";")

    def use_basic_auth(self) -> None:
        """Make ``/sparql-auth`` and ``/sparql-graph-crud-auth`` ask for HTTP Basic instead of Digest.

        Virtuoso defines both with security level ``digest``; redefined with level ``basic`` they challenge
        with Basic and refuse Digest (kept across restarts). Over plain HTTP, Basic sends the password as is.
        """
        for path, target, options in (
            ("/sparql-auth", "/!sparql/", "vector ('noinherit', 1)"),
            ("/sparql-graph-crud-auth", "/!sparql-graph-crud/", "vector ('noinherit', 1, 'exec_as_get', 1)"),
        ):
            self.isql(
                f"DB.DBA.VHOST_REMOVE (lpath=>'{path}');\n"
                f"DB.DBA.VHOST_DEFINE (lpath=>'{path}', ppath=>'{target}', is_dav=>1, vsp_user=>'dba', "
                f"opts=>{options}, auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', realm=>'SPARQL', sec=>'basic');"
            )

    def sparql(
        self,
        query: str,
        *,
        accept: str = "application/sparql-results+json",
        params: Mapping[str, str] | None = None,
        client_timeout: float = 60.0,
    ) -> httpx.Response:
        """POST a query (form-encoded) to the anonymous endpoint, with more protocol parameters in ``params``
        (``default-graph-uri``, Virtuoso's ``timeout`` in ms, ...)."""
        return httpx.post(
            self.sparql_url, data={"query": query, **(params or {})}, headers={"Accept": accept}, timeout=client_timeout
        )


# -- writing data over HTTP


def digest(user: str, password: str) -> httpx.DigestAuth:
    """Digest credentials for Virtuoso's ``-auth`` endpoints (after ``use_basic_auth()``: ``(user, password)``)."""
    return httpx.DigestAuth(user, password)


def put_graph(
    store_url: str,
    graph: str,
    data: bytes,
    auth: httpx.Auth,
    *,
    content_type: str = "application/n-triples",
    timeout: float = 300.0,
) -> httpx.Response:
    """Graph Store HTTP Protocol PUT: replace the named graph ``graph`` with ``data``."""
    return _checked(
        httpx.put(
            store_url,
            params={"graph": graph},
            content=data,
            headers={"Content-Type": content_type},
            auth=auth,
            timeout=timeout,
        )
    )


def post_graph(
    store_url: str,
    graph: str,
    data: bytes,
    auth: httpx.Auth,
    *,
    content_type: str = "application/n-triples",
    timeout: float = 300.0,
) -> httpx.Response:
    """Graph Store HTTP Protocol POST: add ``data`` to the named graph ``graph``."""
    return _checked(
        httpx.post(
            store_url,
            params={"graph": graph},
            content=data,
            headers={"Content-Type": content_type},
            auth=auth,
            timeout=timeout,
        )
    )


def insert_data(
    update_url: str,
    graph: str,
    triples: Iterable[ox.Triple],
    auth: httpx.Auth,
    *,
    batch: int = 5_000,
    timeout: float = 300.0,
) -> int:
    """SPARQL UPDATE into ``graph``, about ``batch`` triples a request; how many requests it took.

    Virtuoso refuses blank nodes in ``INSERT DATA`` (SPARQL 1.1 allows them), so triples with blank
    nodes go in ``INSERT {...} WHERE {}``, each blank node's triples in one request (a label means a new
    node in every request).
    """
    plain: list[ox.Triple] = []
    linked: list[ox.Triple] = []
    for triple in triples:
        (linked if _blank_nodes(triple) else plain).append(triple)
    requests = 0
    for chunk in _batches(plain, batch):
        _update(update_url, f"INSERT DATA {{ GRAPH {ox.NamedNode(graph)} {{\n{_lines(chunk)}\n}} }}", auth, timeout)
        requests += 1
    for chunk in _blank_node_batches(linked, batch):
        _update(
            update_url, f"INSERT {{ GRAPH {ox.NamedNode(graph)} {{\n{_lines(chunk)}\n}} }} WHERE {{}}", auth, timeout
        )
        requests += 1
    return requests


def clear_graph(update_url: str, graph: str, auth: httpx.Auth, *, timeout: float = 300.0) -> None:
    """SPARQL UPDATE ``CLEAR SILENT GRAPH``."""
    _update(update_url, f"CLEAR SILENT GRAPH {ox.NamedNode(graph)}", auth, timeout)


def read_triples(files: Iterable[Path]) -> list[ox.Triple]:
    """The triples of RDF files (format from the extension), blank nodes kept apart between files."""
    triples: list[ox.Triple] = []
    for path in files:
        triples += [quad.triple for quad in ox.parse(path=path, rename_blank_nodes=True)]
    return triples


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as N-Triples bytes."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


@dataclass(frozen=True)
class Loaded:
    """What loading took: triples sent, HTTP requests, wall time."""

    triples: int
    requests: int
    seconds: float


def load_files(
    server: Virtuoso, files: Sequence[Path], graph: str, auth: httpx.Auth, *, method: str = "put", batch: int = 5_000
) -> Loaded:
    """Load RDF files into the named graph ``graph``, replacing it: ``put`` (one Graph Store PUT of
    N-Triples) or ``insert`` (``CLEAR`` then ``INSERT DATA`` in batches). Parsing is not timed."""
    triples = read_triples(files)
    started = time.perf_counter()
    if method == "put":
        put_graph(server.graph_store_url, graph, ntriples(triples), auth)
        requests = 1
    elif method == "insert":
        clear_graph(server.sparql_auth_url, graph, auth)
        requests = 1 + insert_data(server.sparql_auth_url, graph, triples, auth, batch=batch)
    else:
        raise ValueError(f"unknown load method {method!r}: 'put' or 'insert'")
    return Loaded(len(triples), requests, time.perf_counter() - started)


def _update(url: str, update: str, auth: httpx.Auth, timeout: float) -> None:
    _checked(httpx.post(url, data={"update": update}, auth=auth, timeout=timeout))


def _lines(triples: Iterable[ox.Triple]) -> str:
    return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _blank_nodes(triple: ox.Triple) -> list[ox.BlankNode]:
    return [term for term in (triple.subject, triple.object) if isinstance(term, ox.BlankNode)]


def _blank_node_batches(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Batches of about ``size`` triples in which every blank node has all its triples."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for triple in triples:
        first, *others = _blank_nodes(triple)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[ox.BlankNode, list[ox.Triple]] = {}
    for triple in triples:
        groups.setdefault(root(_blank_nodes(triple)[0]), []).append(triple)
    chunk: list[ox.Triple] = []
    for group in groups.values():
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk += group
    if chunk:
        yield chunk


def _batches(items: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _checked(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 300:
        raise VirtuosoError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text.strip()[:500]}"
        )
    return response
