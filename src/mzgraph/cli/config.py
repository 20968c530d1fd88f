"""``mzgraph config``: the settings in effect (flags over environment variables over defaults), and where each
value comes from. Secrets (passwords, credentials in a URL) are masked."""

from __future__ import annotations

import argparse
import json
import os
import re
from typing import Any

from mzgraph.cli.options import DERIVED, all_setting_options, env_of, fail, flag_of, settings_from
from mzgraph.config import Settings
from mzgraph.errors import MzgraphError

_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


def add_command(sub: Any) -> None:
    """Add ``config`` to the ``mzgraph`` subcommands."""
    config = sub.add_parser(
        "config",
        help="print the settings in effect and where each comes from (flag, environment, default)",
        description="Takes the same flags as `mzgraph serve` and prints what serve would use.",
    )
    config.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    all_setting_options(config)
    config.set_defaults(func=run_config)


def run_config(args: argparse.Namespace) -> int:
    """Print every setting with its value and its source."""
    try:
        settings = settings_from(args)
    except MzgraphError as err:
        return fail("config", err)
    rows = [_row(args, settings, field) for field in Settings.model_fields]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        width = max(len(row["setting"]) for row in rows)
        for row in rows:
            value = json.dumps(row["value"]) if not isinstance(row["value"], str) else row["value"]
            print(f"{row['setting']:<{width}}  {value}  ({row['source']}; {row['variable']})")
    return 0


def _row(args: argparse.Namespace, settings: Settings, field: str) -> dict[str, Any]:
    given = getattr(args, flag_of(field), None)
    if field in DERIVED:
        source = "derived"
    elif given not in (None, []):
        source = "flag --" + flag_of(field).replace("_", "-")
    elif env_of(field) in os.environ:
        source = "environment"
    else:
        source = "default"
    value = settings.model_dump(mode="json")[field]
    return {"setting": field, "value": mask(field, value), "source": source, "variable": env_of(field)}


def mask(field: str, value: Any) -> Any:
    """``value`` with secrets hidden: a password or secret setting entirely, credentials inside URLs."""
    if value in (None, ""):
        return value
    if any(word in field for word in ("password", "secret", "token")):
        return "********"
    if isinstance(value, str):
        return _CREDENTIALS.sub("****@", value)
    return value
