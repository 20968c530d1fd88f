"""Logging: one configuration for mzgraph's and uvicorn's loggers, as text or as one JSON object per line.

:func:`logging_config` is a :func:`logging.config.dictConfig` dictionary; ``mzgraph serve`` hands it to uvicorn,
which applies it in every worker process. Log lines of a request carry its id (:data:`request_id`, set by the
access-log middleware). The access line and the query line put their fields at the top level of a JSON line, under
fixed names, so log tools can rely on them: ``method, path, status, duration_ms, bytes, request_id`` and
``query_hash, kind, outcome, duration_ms, rows``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id: ContextVar[str | None] = ContextVar("mzgraph_request_id", default=None)
"""The id of the request being answered (None outside a request)."""

ACCESS = "mzgraph.access"
QUERIES = "mzgraph.queries"

OUTCOMES = ("ok", "timeout", "rejected", "busy", "crashed", "truncated")
"""What became of a SPARQL query, as logged and counted."""


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time, level, logger, message``, the record's ``fields``, ``request_id`` and
    the traceback (``exception``) if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        ident = getattr(record, "request_id", "-")
        if ident != "-":
            line.setdefault("request_id", ident)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger message key=value ...`` and the traceback below, if there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = dict(getattr(record, "fields", {}))
        ident = getattr(record, "request_id", "-")
        if ident != "-":
            fields.setdefault("request_id", ident)
        if not fields:
            return text
        head, newline, tail = text.partition("\n")
        pairs = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{head} {pairs}{newline}{tail}"


def logging_config(level: str, fmt: str) -> dict[str, Any]:
    """The :func:`logging.config.dictConfig` of a server: ``level`` for mzgraph and uvicorn, lines in ``fmt``
    (``text`` or ``json``) on stderr; uvicorn's own access log off (the access middleware writes ours)."""
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "main",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    loggers = {
        name: {"handlers": ["main"], "level": level.upper(), "propagate": False}
        for name in ("mzgraph", "uvicorn", "uvicorn.error")
    }
    loggers["uvicorn.access"] = {"handlers": [], "level": "CRITICAL", "propagate": False}
    loggers["uvicorn.error"]["propagate"] = False
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"main": {"()": formatter}},
        "handlers": {"main": handler},
        "loggers": loggers,
        "root": {"handlers": ["main"], "level": "WARNING"},
    }


def query_hash(text: str) -> str:
    """A short digest naming a query in the log without writing its text (which may hold what it should not)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def log_query(text: str, kind: str, outcome: str, duration_ms: float, rows: int | None) -> None:
    """One line for a SPARQL query: its hash, kind (SELECT, ASK, ...), outcome, time taken and rows."""
    fields = {
        "query_hash": query_hash(text),
        "kind": kind,
        "outcome": outcome,
        "duration_ms": round(duration_ms, 1),
        "rows": rows,
    }
    logging.getLogger(QUERIES).info("query %s %s", fields["kind"], outcome, extra={"fields": fields})
