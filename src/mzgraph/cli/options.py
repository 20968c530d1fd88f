"""The flags ``mzgraph serve``, ``load`` and ``query`` share, and how they become :class:`Settings`.

Flags override ``MZGRAPH_*`` environment variables. Bad input (a file that does not parse, a query
with a syntax error, an unreachable store) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import typing
from pathlib import Path
from typing import Any

from mzgraph.config import Settings
from mzgraph.errors import InputError

FLAGS = {
    "data_paths": "data",
    "store_path": "store",
    "query_timeout": "timeout",
    "index_path": "index",
    "data_graph": "graph",
    "store_user": "user",
    "store_password": "password",
}
"""Settings whose flag is not their own name (``--timeout`` sets ``query_timeout``); every other setting ``x_y``
is ``--x-y``. Every setting is also ``MZGRAPH_`` + its name in capitals."""

DERIVED = {"backend"}
"""Settings no flag sets: ``backend`` follows from ``--sparql-endpoint``."""

GROUPS = {
    "data": ("data_paths", "base_iri", "include_private", "private_data"),
    "store": ("store_path", "sparql_endpoint", "data_graph", "store_user", "store_password", "index_path"),
    "queries": (
        "query_timeout",
        "max_rows",
        "max_query_length",
        "max_body_bytes",
        "max_concurrent_queries",
        "query_workers",
    ),
}
"""The settings each command's option groups hold; ``serve`` and ``config`` take every setting (the rest are
under "server")."""


def flag_of(field: str) -> str:
    """The flag's destination for a setting: ``query_timeout`` -> ``timeout``."""
    return FLAGS.get(field, field)


def env_of(field: str) -> str:
    """The environment variable of a setting."""
    return "MZGRAPH_" + field.upper()


def settings_from(args: argparse.Namespace, **fixed: Any) -> Settings:
    """Settings from the environment, overridden by the flags that were given (and by ``fixed``, keyed by flag)."""
    overrides = {
        field: getattr(args, flag_of(field))
        for field in Settings.model_fields
        if getattr(args, flag_of(field), None) not in (None, [])
    }
    if overrides.get("sparql_endpoint"):
        overrides["backend"] = "remote"
    by_flag = {flag_of(field): field for field in Settings.model_fields}
    for flag, value in fixed.items():
        overrides.pop(by_flag.get(flag, flag), None)
        if value is not None:
            overrides[by_flag.get(flag, flag)] = value
    try:
        return Settings(**overrides)
    except ValueError as err:
        raise InputError("settings", " ".join(str(err).split())) from None


def setting_options(parser: argparse.ArgumentParser | Any, *fields: str) -> None:
    """A flag for each setting in ``fields``: its type, its description, its variable and its default in the help.

    A boolean setting gets ``--x`` and ``--no-x`` (so a flag can also undo the variable); a flag that is not given
    leaves the variable's value (or the default) in place.
    """
    for field in fields:
        info = Settings.model_fields[field]
        flag = flag_of(field)
        default = info.get_default(call_default_factory=True)
        shown = "none" if default in (None, []) else default
        text = (info.description or field.replace("_", " ")).rstrip(".").replace("%", "%%")
        kwargs: dict[str, Any] = {"dest": flag, "default": None, "help": f"{text} [{env_of(field)}; default {shown}]"}
        annotation = info.annotation
        args = typing.get_args(annotation)
        if annotation is bool:
            kwargs["action"] = argparse.BooleanOptionalAction
        elif typing.get_origin(annotation) is list:
            kwargs.update(action="append", type=args[0], metavar=args[0].__name__.upper())
        elif typing.get_origin(annotation) is typing.Literal:
            kwargs["choices"] = args
        else:
            kinds = [kind for kind in (args or (annotation,)) if kind is not type(None)]
            kwargs["type"] = kinds[0] if kinds and kinds[0] in (int, float, Path) else str
        parser.add_argument("--" + flag.replace("_", "-"), **kwargs)


def all_setting_options(parser: argparse.ArgumentParser) -> None:
    """Every setting as a flag, in groups (``serve`` and ``config``)."""
    grouped = {field for fields in GROUPS.values() for field in fields}
    for title, fields in GROUPS.items():
        setting_options(parser.add_argument_group(title), *fields)
    rest = [field for field in Settings.model_fields if field not in grouped and field not in DERIVED]
    setting_options(parser.add_argument_group("server"), *rest)


def data_options(parser: argparse.ArgumentParser) -> None:
    """``--data``, ``--base-iri``, ``--include-private``, ``--private-data``."""
    setting_options(parser, *GROUPS["data"])


def backend_options(parser: argparse.ArgumentParser) -> None:
    """``--store`` or ``--sparql-endpoint`` (and the remote store's ``--graph``, ``--user``, ``--password``)."""
    setting_options(parser, "store_path", "sparql_endpoint")
    remote_options(parser)


def remote_options(parser: argparse.ArgumentParser) -> None:
    """``--graph``, ``--user``, ``--password``: the data's graph on a remote store, and the account to use."""
    setting_options(parser, "data_graph", "store_user", "store_password")


def index_options(parser: argparse.ArgumentParser, index_help: str) -> None:
    """``--index`` (where the release index is) and ``--quiet`` (no progress on the terminal)."""
    parser.add_argument("--index", type=Path, help=f"{index_help} [{env_of('index_path')}]")
    quiet_option(parser)


def quiet_option(parser: argparse.ArgumentParser) -> None:
    """``--quiet``: no progress on the terminal (there is none when stderr is not a terminal either)."""
    parser.add_argument("--quiet", action="store_true", help="no progress on the terminal")


def query_options(parser: argparse.ArgumentParser) -> None:
    """``--timeout``, ``--max-rows``, ``--query-workers``."""
    setting_options(parser, "query_timeout", "max_rows", "query_workers")


def fail(command: str, err: Exception) -> int:
    """Say what was wrong on stderr, one line; exit code 2."""
    print(f"mzgraph {command}: {err}", file=sys.stderr)
    return 2
