"""``mzgraph serve``: open the store, then serve the app with uvicorn (one process, or several workers)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from mzgraph.cli.index import reporter
from mzgraph.cli.options import backend_options, data_options, fail, index_options, query_options, settings_from
from mzgraph.config import Settings
from mzgraph.errors import MzgraphError


def add_command(sub: Any) -> None:
    """Add ``serve`` to the ``mzgraph`` subcommands."""
    serve = sub.add_parser("serve", help="serve the graph: SPARQL endpoint (and pages) over HTTP")
    data_options(serve)
    backend_options(serve)
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, help="web worker processes (default 1)")
    index_options(
        serve,
        "release index: the store's own (default STORE/index), one built by `mzgraph index` for a remote store, "
        "or the cache folder for data in memory",
    )
    query_options(serve)
    serve.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Open the store, then serve the app with uvicorn until interrupted."""
    import uvicorn

    from mzgraph.web.app import create_app

    try:
        settings = settings_from(args)
        app = create_app(settings)
        index = app.state.release_index
        with reporter(args) as report:
            index.open(report)  # data in memory: built now, once per release (the workers then open it)
    except MzgraphError as err:
        return fail("serve", err)
    if index.warning:
        print(f"mzgraph serve: warning: {index.warning}", file=sys.stderr)
    release = app.state.store.release
    triples = f"{release.triples:,} triples" if release.triples is not None else app.state.store.endpoint
    print(
        f"mzgraph: serving {triples} (release {release.tag}) at http://{settings.host}:{settings.port}/sparql",
        file=sys.stderr,
    )
    if settings.workers == 1:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
        return 0
    # Several web processes each build their app from the environment; the data was checked above.
    app.state.store.close()
    os.environ.update(_environment(settings))
    uvicorn.run(
        "mzgraph.web.app:create_app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="info",
    )
    return 0


def _environment(settings: Settings) -> dict[str, str]:
    """``MZGRAPH_*`` variables reproducing ``settings`` in another process."""
    values = settings.model_dump(mode="json")
    if settings.store_password is not None:  # dumped masked; the workers need it
        values["store_password"] = settings.store_password.get_secret_value()
    return {
        f"MZGRAPH_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
        for name, value in values.items()
        if value is not None
    }
