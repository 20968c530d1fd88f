"""``tools/nginx.py``: a real nginx terminating TLS in front of two web processes, started and stopped by the tests.

Needs Debian's ``nginx`` (``scripts/install-dev`` installs it).
"""

from __future__ import annotations

import httpx
import pytest

from tools.nginx import certificate, nginx, render_site
from tools.servers import ServerError, free_port, mzgraph_server

SITE = """\
upstream nodes {
@UPSTREAMS@
}
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERT@;
    ssl_certificate_key @KEY@;
    location / {
        proxy_pass http://nodes;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""

pytestmark = pytest.mark.slow


def test_nginx_terminates_tls_and_spreads_requests_over_both_nodes() -> None:
    with mzgraph_server() as first, mzgraph_server() as second, certificate() as tls:
        port = free_port()
        upstreams = [first.removeprefix("http://"), second.removeprefix("http://")]
        with nginx(render_site(SITE, upstreams=upstreams, port=port, tls=tls), port=port) as proxy:
            with httpx.Client(verify=tls.client_context(), timeout=10) as client:
                answers = [client.get(proxy.url("https") + "/organisations.json") for _ in range(4)]
            assert [answer.status_code for answer in answers] == [200] * 4
            assert answers[0].json() == answers[1].json()
            lines = proxy.logged("GET /organisations.json 200 ", count=4)
            assert len(lines) == 4
            assert {line.rsplit(" ", 1)[1] for line in lines} == set(upstreams)  # round robin: both nodes answered
        # a client that does not trust the test authority is refused: the certificate really is the one made here
        site = render_site(SITE, upstreams=upstreams, port=port, tls=tls)
        with nginx(site, port=port) as proxy, pytest.raises(httpx.ConnectError):
            httpx.get(proxy.url("https") + "/", timeout=5)


def test_a_configuration_nginx_refuses_is_reported_with_its_message() -> None:
    port = free_port()
    site = f"server {{ listen 127.0.0.1:{port}; no_such_directive on; }}"
    with pytest.raises(ServerError, match="refused its configuration"), nginx(site, port=port):
        pass
