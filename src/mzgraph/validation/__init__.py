"""SHACL validation: shapes -> report objects (file:line, focus node, path, value, message, fix).

The public API is re-exported here, so callers import ``mzgraph.validation``:
:func:`read_sources`, :func:`read_shapes` and :func:`validate` (:mod:`.engine`), the report objects
(:mod:`.results`) and their renderings as text, JSON and Turtle (:mod:`.report`). The re-exports are
resolved on first use, so importing the package (the web app does, for :mod:`.page_status`) does not
load pySHACL.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mzgraph.validation.engine import Sources, read_shapes, read_sources, validate
    from mzgraph.validation.pieces import default_jobs
    from mzgraph.validation.report import namespace_manager, render_json, render_text, render_turtle, result_json
    from mzgraph.validation.results import ResultPath, Severity, UnreadableInput, ValidationReport, ValidationResult

_EXPORTS = {
    "Sources": "engine",
    "read_shapes": "engine",
    "read_sources": "engine",
    "validate": "engine",
    "default_jobs": "pieces",
    "namespace_manager": "report",
    "render_json": "report",
    "render_text": "report",
    "render_turtle": "report",
    "result_json": "report",
    "ResultPath": "results",
    "Severity": "results",
    "UnreadableInput": "results",
    "ValidationReport": "results",
    "ValidationResult": "results",
}

__all__ = [
    "ResultPath",
    "Severity",
    "Sources",
    "UnreadableInput",
    "ValidationReport",
    "ValidationResult",
    "default_jobs",
    "namespace_manager",
    "read_shapes",
    "read_sources",
    "render_json",
    "render_text",
    "render_turtle",
    "result_json",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
