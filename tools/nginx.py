"""A real nginx (Debian's package) in front of mzgraph web nodes, for the proxy and scale-out tests.

:func:`nginx` runs ``nginx -g 'daemon off;'`` with a configuration of its own in a temporary prefix (pid file,
logs and temporary folders there, so no root and no system files are touched), listening on 127.0.0.1. The
``server`` blocks are the caller's: usually the site file shipped in ``deploy/nginx/`` with its upstream
addresses, port and certificate filled in by :func:`render_site`. :func:`certificate` makes a certificate
authority and a server certificate for 127.0.0.1 and localhost with ``trustme``, for TLS in a test.

    with certificate() as tls, nginx(render_site(text, upstreams=[a, b], port=p, tls=tls)) as proxy:
        httpx.get(proxy.url("https") + "/", verify=tls.ca_file)
"""

from __future__ import annotations

import contextlib
import shutil
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.servers import ServerError, free_port, stop_process, wait_for_port

_MAIN = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format nodes '$request_method $request_uri $status $upstream_addr';
    access_log {prefix}/access.log nodes;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ text/html html; application/json json; }}
{sites}
}}
"""


@dataclass(frozen=True)
class Tls:
    """A server certificate for 127.0.0.1/localhost and the authority a client must trust."""

    cert_file: Path
    key_file: Path
    ca_file: Path

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts the test authority (for httpx's ``verify=``)."""
        return ssl.create_default_context(cafile=str(self.ca_file))


@dataclass(frozen=True)
class Proxy:
    """A running nginx: its prefix folder (logs there) and the port it listens on."""

    prefix: Path
    port: int

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> list[str]:
        """One line per request: method, URI, status and the node(s) it went to (``$upstream_addr``)."""
        path = self.prefix / "access.log"
        return path.read_text().splitlines() if path.exists() else []

    def logged(self, start: str, count: int, wait: float = 10) -> list[str]:
        """The access log's lines that begin with start, once there are count of them or wait seconds passed:
        nginx writes a request's line after the answer, so a client can read the answer before the line is there."""
        deadline = time.monotonic() + wait
        while True:
            lines = [line for line in self.access_log if line.startswith(start)]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    @property
    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text() if path.exists() else ""


def binary() -> str:
    """nginx, which Debian installs in /usr/sbin (not on every user's PATH)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise ServerError("nginx is not installed: scripts/install-dev installs Debian's nginx")
    return found


def render_site(
    template: str, *, upstreams: Sequence[str], port: int, tls: Tls | None = None, root_path: str = ""
) -> str:
    """Fill a site file's placeholders: ``@UPSTREAMS@`` (one ``server host:port ...;`` line per node),
    ``@PORT@``, ``@CERT@``, ``@KEY@`` and ``@ROOT@`` (a path prefix such as ``/kg``, or empty)."""
    servers = "\n".join(f"    server {address} max_fails=1 fail_timeout=5s;" for address in upstreams)
    text = template.replace("@UPSTREAMS@", servers).replace("@PORT@", str(port)).replace("@ROOT@", root_path)
    if tls is not None:
        text = text.replace("@CERT@", str(tls.cert_file)).replace("@KEY@", str(tls.key_file))
    return text


@contextlib.contextmanager
def certificate() -> Iterator[Tls]:
    """A throw-away certificate authority and a server certificate for 127.0.0.1 and localhost."""
    import trustme

    authority = trustme.CA()
    server = authority.issue_cert("127.0.0.1", "localhost")
    with tempfile.TemporaryDirectory(prefix="mzgraph-tls-") as folder:
        root = Path(folder)
        tls = Tls(root / "server.pem", root / "server.key", root / "ca.pem")
        server.cert_chain_pems[0].write_to_path(str(tls.cert_file))
        for pem in server.cert_chain_pems[1:]:
            pem.write_to_path(str(tls.cert_file), append=True)
        server.private_key_pem.write_to_path(str(tls.key_file))
        authority.cert_pem.write_to_path(str(tls.ca_file))
        yield tls


@contextlib.contextmanager
def nginx(sites: str, *, port: int) -> Iterator[Proxy]:
    """Run nginx with ``sites`` (``server``/``upstream`` blocks) until the block ends; ``port`` is the one they
    listen on (the caller chose it with :func:`free_port` and put it in the site text)."""
    with tempfile.TemporaryDirectory(prefix="mzgraph-nginx-") as folder:
        prefix = Path(folder)
        conf = prefix / "nginx.conf"
        conf.write_text(_MAIN.format(prefix=prefix, sites=sites))
        check = subprocess.run(
            [binary(), "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True, check=False
        )
        if check.returncode != 0:
            raise ServerError(f"nginx refused its configuration:\n{check.stderr}")
        process = subprocess.Popen(
            [binary(), "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            wait_for_port(port, process=process, what="nginx")
            yield Proxy(prefix, port)
        finally:
            stop_process(process)


__all__ = ["Proxy", "Tls", "binary", "certificate", "free_port", "nginx", "render_site"]
