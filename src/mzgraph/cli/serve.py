"""``mzgraph serve``: open the store, then serve the app with uvicorn (one process, or several workers)."""

from __future__ import annotations

import argparse
import json
import logging
import logging.config
import os
import tempfile
from pathlib import Path
from typing import Any

from mzgraph import __version__
from mzgraph.cli.index import reporter
from mzgraph.cli.options import all_setting_options, fail, quiet_option, settings_from
from mzgraph.config import Settings
from mzgraph.errors import MzgraphError
from mzgraph.web.logs import logging_config


def add_command(sub: Any) -> None:
    """Add ``serve`` to the ``mzgraph`` subcommands."""
    serve = sub.add_parser(
        "serve",
        help="serve the graph: SPARQL endpoint (and pages) over HTTP",
        description="Every setting below is also an environment variable (in brackets); a flag overrides it. "
        "`mzgraph config` prints the settings in effect.",
    )
    all_setting_options(serve)
    quiet_option(serve)
    serve.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Open the store, then serve the app with uvicorn until interrupted."""
    try:
        settings = settings_from(args)
    except MzgraphError as err:
        return fail("serve", err)
    log_config = logging_config(settings.log_level, settings.log_format)
    logging.config.dictConfig(log_config)
    if settings.workers > 1 or settings.metrics_dir is not None:
        settings = settings.model_copy(update={"metrics_dir": _metrics_dir(settings)})

    import uvicorn

    from mzgraph.web.app import create_app

    try:
        app = create_app(settings)
        index = app.state.release_index
        with reporter(args) as report:
            index.open(report)  # data in memory: built now, once per release (the workers then open it)
    except MzgraphError as err:
        return fail("serve", err)
    log = logging.getLogger("mzgraph.serve")
    if index.warning:
        log.warning("%s", index.warning)
    release = app.state.store.release
    triples = (
        f"{release.triples:,} triples"
        if release.triples is not None
        else getattr(app.state.store, "endpoint", settings.sparql_endpoint)
    )
    address = f"http://{settings.host}:{settings.port}{settings.root_path}/sparql"
    log.info("mzgraph %s serving %s (release %s) at %s", __version__, triples, release.tag, address)
    server: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": log_config,
        "log_level": settings.log_level,
        "access_log": False,  # the app writes its own access lines (with the request id)
        "server_header": False,  # the app says Server: mzgraph/X.Y.Z
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "root_path": settings.root_path,
    }
    if settings.workers == 1:
        uvicorn.run(app, **server)
        return 0
    # Several web processes each build their app from the environment; the data was checked above.
    app.state.store.close()
    os.environ.update(_environment(settings))
    uvicorn.run("mzgraph.cli.serve:worker_app", factory=True, workers=settings.workers, **server)
    return 0


def worker_app() -> Any:
    """The app of one web worker (uvicorn's factory): it dies with the process that started it.

    uvicorn's supervisor does not stop its workers when it is killed, and a worker left behind keeps serving
    on the shared socket; so each asks the kernel to kill it with its parent (and gives up if that parent
    is already gone).
    """
    from mzgraph.processes import die_with_spawning_parent
    from mzgraph.web.app import create_app_from_environment

    die_with_spawning_parent()
    return create_app_from_environment()


def _metrics_dir(settings: Settings) -> Path:
    """The folder the web workers share their metrics in, emptied; set for the client before it is imported."""
    directory = settings.metrics_dir or Path(tempfile.gettempdir()) / f"mzgraph-metrics-{settings.port}"
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)  # before prometheus_client is first imported

    from mzgraph.web.metrics import prepare_directory

    prepare_directory(directory)
    return directory


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
