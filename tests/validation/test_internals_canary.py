"""Canaries for the library internals mzgraph relies on: rdflib's in-memory store indexes and one pySHACL method.

:func:`mzgraph.rdf.rdflib_bridge.data_graph` writes into the private indexes of rdflib's ``Memory`` store, and
:func:`mzgraph.validation.pyshacl_runner._no_text_report` replaces ``ConstraintComponent.make_v_result_description``
while pySHACL runs. Both libraries have upper bounds in ``pyproject.toml``; when a new version is tried, these tests
say exactly which internal changed.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

import pyshacl
from pyshacl.constraints.constraint_component import ConstraintComponent
from rdflib import SH, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory

from mzgraph.rdf.rdflib_bridge import _MEMORY_INDEXES
from mzgraph.validation.pyshacl_runner import _no_text_report


def _changed(library: str, internal: str, what: str, where: str) -> str:
    return (
        f"{library} {version(library)}: {internal} {what}. {where} relies on it: read the new {library} source, "
        f"adapt {where} (or drop the shortcut), then move the {library} upper bound in pyproject.toml."
    )


_BRIDGE = "mzgraph.rdf.rdflib_bridge.data_graph"
_RUNNER = "mzgraph.validation.pyshacl_runner._no_text_report"

SUBJECT, PREDICATE, OBJECT = URIRef("urn:s"), URIRef("urn:p"), Literal("o")


def _store_after_one_add() -> tuple[Graph, Memory]:
    graph = Graph()
    graph.add((SUBJECT, PREDICATE, OBJECT))
    store = graph.store
    assert type(store) is Memory, _changed("rdflib", "Graph()'s default store", f"is {type(store)!r}", _BRIDGE)
    return graph, store


def test_rdflib_memory_store_has_the_indexes_data_graph_writes() -> None:
    _, store = _store_after_one_add()
    for name in (*_MEMORY_INDEXES, "_Memory__tripleContexts"):
        assert hasattr(store, name), _changed("rdflib", f"Memory.{name}", "no longer exists", _BRIDGE)


def test_rdflib_memory_indexes_have_the_shape_data_graph_writes() -> None:
    graph, store = _store_after_one_add()
    found = {name: getattr(store, name) for name in (*_MEMORY_INDEXES, "_Memory__tripleContexts")}
    keys = [key for key in found["_Memory__contextTriples"] if key is not None]
    assert len(keys) == 1 and str(graph.identifier) in str(keys[0]), _changed(
        "rdflib", "Memory.__contextTriples", f"is keyed by {keys!r}, not by one key naming the graph", _BRIDGE
    )
    context = keys[0]
    expected = {
        "_Memory__spo": {SUBJECT: {PREDICATE: {OBJECT: 1}}},
        "_Memory__pos": {PREDICATE: {OBJECT: {SUBJECT: 1}}},
        "_Memory__osp": {OBJECT: {SUBJECT: {PREDICATE: 1}}},
        "_Memory__contextTriples": {None: {(SUBJECT, PREDICATE, OBJECT)}, context: {(SUBJECT, PREDICATE, OBJECT)}},
        "_Memory__defaultContexts": {context: False, None: False},
        "_Memory__tripleContexts": {},  # a triple in the default contexts has no entry of its own
    }
    for name, value in expected.items():
        assert found[name] == value, _changed(
            "rdflib", f"Memory.{name}", f"holds {found[name]!r} after one Graph.add, not {value!r}", _BRIDGE
        )


def _constraint_components() -> list[type]:
    found, todo = [], [ConstraintComponent]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_pyshacl_result_description_is_the_method_mzgraph_replaces() -> None:
    method = ConstraintComponent.__dict__.get("make_v_result_description")
    assert inspect.isfunction(method), _changed(
        "pyshacl", "ConstraintComponent.make_v_result_description", "is no longer a plain method", _RUNNER
    )
    parameters = list(inspect.signature(method).parameters)
    assert parameters == [
        "self",
        "datagraph",
        "focus_node",
        "severity",
        "value_node",
        "messages",
        "result_path",
        "constraint_component",
        "source_constraint",
        "extra_messages",
        "bound_vars",
    ], _changed("pyshacl", "ConstraintComponent.make_v_result_description", f"takes {parameters}", _RUNNER)


def test_no_pyshacl_constraint_overrides_the_replaced_method() -> None:
    components = _constraint_components()
    overriding = [c.__name__ for c in components if "make_v_result_description" in c.__dict__]
    assert len(components) > 20 and not overriding, _changed(
        "pyshacl", "make_v_result_description", f"is overridden in {overriding}", _RUNNER
    )


def test_pyshacl_results_are_made_through_the_replaced_method() -> None:
    source = inspect.getsource(ConstraintComponent.make_v_result)
    assert "self.make_v_result_description(" in source, _changed(
        "pyshacl", "ConstraintComponent.make_v_result", "no longer calls make_v_result_description", _RUNNER
    )


_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:shape> sh:targetNode <urn:s> ; sh:property [ sh:path <urn:p> ; sh:minCount 2 ] ."""


def test_replacing_the_method_silences_the_text_and_keeps_the_report() -> None:
    data, shapes = Graph(), Graph().parse(data=_SHAPES, format="turtle")
    data.add((SUBJECT, PREDICATE, OBJECT))
    _, _, described = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    with _no_text_report():
        conforms, report, silent = pyshacl.validate(data, shacl_graph=shapes, inference="none")

    assert "Constraint Violation in MinCountConstraintComponent" in described
    assert "MinCountConstraintComponent" not in silent, _changed(
        "pyshacl", "make_v_result_description", "is replaced but pySHACL still writes the text", _RUNNER
    )
    assert not conforms and len(list(report.objects(None, SH.result))) == 1
