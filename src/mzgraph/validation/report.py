"""A :class:`~mzgraph.validation.ValidationReport` as text for people, JSON for machines, or a SHACL report graph.

The JSON shape is a promise (documented in ``docs/validation.md``)::

    {"conforms": bool,
     "counts": {"Violation": int, "Warning": int, "Info": int},
     "files": [str, ...],
     "results": [{"file": str | null, "line": int | null,
                  "focus": IRI or "_:label",
                  "anchor": IRI | null, "anchor_path": path | null,  (for a blank focus node)
                  "path": SPARQL property path with full IRIs | null,
                  "value": N-Triples term | null,
                  "severity": "Violation" | "Warning" | "Info",
                  "message": str, "fix": str | null,
                  "shape": IRI | null, "component": IRI}, ...]}
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from itertools import groupby
from pathlib import Path

from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.term import Node

from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.validation.results import ResultPath, Severity, ValidationReport, ValidationResult

Style = Severity | str
"""What a piece of text is: a severity, ``"where"`` (file:line) or ``"fix"``."""
Painter = Callable[[str, Style], str]
_COLOURS: dict[Style, str] = {
    Severity.VIOLATION: "31",
    Severity.WARNING: "33",
    Severity.INFO: "36",
    "where": "1",
    "fix": "32",
}


def display_path(path: Path | None) -> str:
    """``path`` relative to the working directory when it lies below it, else as it is."""
    if path is None:
        return "(not in any file)"
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def namespace_manager(prefixes: Iterable[tuple[str, str]]) -> NamespaceManager:
    """Prefixes for display: ``prefixes`` (the files' own) first, then mzgraph's where not taken."""
    manager = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    prefixes_taken: set[str] = set()
    namespaces_taken: set[str] = set()
    for prefix, namespace in [*prefixes, *PREFIXES.items()]:
        if prefix not in prefixes_taken and namespace not in namespaces_taken:
            manager.bind(prefix, namespace)
            prefixes_taken.add(prefix)
            namespaces_taken.add(namespace)
    return manager


def render_text(report: ValidationReport, names: NamespaceManager, *, colour: bool = False) -> str:
    """The human report: results grouped by file and focus node, then a summary line."""
    paint = _painter(colour)
    lines: list[str] = []
    for (file, line, _), group in groupby(report.results, key=_group_key):
        results = list(group)
        where = display_path(file) + (f":{line}" if line else "")
        lines.append(f"{paint(where, 'where')}  {_focus_text(results[0], names)}")
        lines += [_result_text(result, names, paint) for result in results]
        lines.append("")
    lines.append(summary(report, paint))
    return "\n".join(lines) + "\n"


def _group_key(result: ValidationResult) -> tuple[Path | None, int | None, Node]:
    return result.file, result.line, result.focus


def _focus_text(result: ValidationResult, names: NamespaceManager) -> str:
    if not isinstance(result.focus, BNode):
        return result.focus.n3(names)
    if result.anchor is None or result.anchor_path is None:
        return "[ ] (a blank node)"
    return f"{result.anchor.n3(names)} {result.anchor_path.n3(names)} [ ]"


def _result_text(result: ValidationResult, names: NamespaceManager, paint: Painter) -> str:
    head = f"  {paint(f'{result.severity.value:<9}', result.severity)}"
    if result.path is not None:
        head += f"  {result.path.n3(names)}"
    if result.value is not None:
        head += f"  value {_value_text(result.value, names)}"
    head += f"  [{constraint_name(result.component)}]"
    text = [head, f"      {result.message}"]
    if result.fix:
        text.append(f"      {paint('fix:', 'fix')} {result.fix}")
    return "\n".join(text)


def constraint_name(component: Node) -> str:
    """``sh:MinCountConstraintComponent`` as ``minCount``: the constraint that failed, as written in shapes."""
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return name[:1].lower() + name[1:]


def _value_text(value: Node, names: NamespaceManager) -> str:
    if isinstance(value, BNode):
        return "[ ]"
    return value.n3(names)


def summary(report: ValidationReport, paint: Painter | None = None) -> str:
    """One line: files and triples validated, counts by severity, and the verdict."""
    paint = paint or _painter(False)
    counts = report.counts()
    parts = ", ".join(
        paint(f"{n} {_plural(s.value.lower(), n)}", s) if n else f"0 {_plural(s.value.lower(), 0)}"
        for s, n in counts.items()
    )
    verdict = "conforms" if report.conforms else "does not conform"
    files = f"{len(report.files)} {_plural('file', len(report.files))}"
    return f"{files}, {report.triples} triples: {parts}; {verdict}."


def _plural(word: str, n: int) -> str:
    return word if n == 1 else word + "s"


def _painter(colour: bool) -> Painter:
    if not colour:
        return lambda text, _style: text
    return lambda text, style: f"\x1b[{_COLOURS[style]}m{text}\x1b[0m"


def render_json(report: ValidationReport) -> str:
    """The documented JSON shape (see the module docstring)."""
    body = {
        "conforms": report.conforms,
        "counts": {s.value: n for s, n in report.counts().items()},
        "files": [display_path(f) for f in report.files],
        "results": [result_json(r) for r in report.results],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def result_json(result: ValidationResult) -> dict[str, object]:
    """One result as a JSON object with full IRIs."""
    return {
        "file": None if result.file is None else display_path(result.file),
        "line": result.line,
        "focus": _node_json(result.focus),
        "anchor": None if result.anchor is None else str(result.anchor),
        "anchor_path": None if result.anchor_path is None else result.anchor_path.n3(),
        "path": None if result.path is None else result.path.n3(),
        "value": None if result.value is None else result.value.n3(),
        "severity": result.severity.value,
        "message": result.message,
        "fix": result.fix,
        "shape": None if result.named_shape is None else str(result.named_shape),
        "component": str(result.component),
    }


def _node_json(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def report_graph(report: ValidationReport) -> Graph:
    """The SHACL validation report graph (``sh:conforms`` follows :attr:`ValidationReport.conforms`)."""
    graph = Graph(bind_namespaces="none")
    graph.bind("sh", SH)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for result in report.results:
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus))
        graph.add((node, SH.resultSeverity, result.severity.iri))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        graph.add((node, SH.sourceConstraintComponent, result.component))
        graph.add((node, SH.sourceShape, result.shape))
        if isinstance(result.shape, BNode):
            graph += report.shapes.cbd(result.shape)
        if result.path is not None:
            graph.add((node, SH.resultPath, path_node(graph, result.path)))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
    return graph


def render_turtle(report: ValidationReport) -> str:
    """The SHACL validation report graph as Turtle."""
    return report_graph(report).serialize(format="turtle")


def path_node(graph: Graph, path: ResultPath) -> Node:
    """Write an rdflib path into ``graph`` as a SHACL property path; return its node."""
    if isinstance(path, URIRef):
        return path
    node = BNode()
    if isinstance(path, SequencePath):
        Collection(graph, node, [path_node(graph, p) for p in path.args])
    elif isinstance(path, AlternativePath):
        graph.add((node, SH.alternativePath, _list(graph, [path_node(graph, p) for p in path.args])))
    elif isinstance(path, InvPath):
        graph.add((node, SH.inversePath, path_node(graph, path.arg)))
    elif isinstance(path, MulPath):
        predicate = {"*": SH.zeroOrMorePath, "+": SH.oneOrMorePath, "?": SH.zeroOrOnePath}[path.mod]
        graph.add((node, predicate, path_node(graph, path.path)))
    return node


def _list(graph: Graph, items: list[Node]) -> Node:
    head = BNode()
    Collection(graph, head, items)
    return head
