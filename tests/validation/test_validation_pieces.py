"""Validating in pieces, in parallel, gives exactly the results of one pySHACL run over the whole graph."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from pyshacl.constraints.constraint_component import ConstraintComponent
from rdflib import SH, Graph

from mzgraph.bundled import data_dir, ontology_dir, rdf_files, shapes_dir
from mzgraph.rdf.rdflib_bridge import data_graph, to_rdflib_graph
from mzgraph.validation import Sources, read_shapes, read_sources, validate
from mzgraph.validation.pieces import cut_pieces, validate_pieces
from mzgraph.validation.pyshacl_runner import (
    prepare_shapes,
    results_from_report,
    select_sparql_targets,
    shacl_results,
    with_target_nodes,
)
from mzgraph.validation.reach import shapes_reach
from mzgraph.validation.results import ValidationResult

COPIES = 3
ID = "https://w3id.org/mzgraph/id/"
ORGANISATIONS = data_dir() / "organisations"

# Each break is (organisation file, copy, old text, new text): facts broken in one copy of one organisation.
BREAKS = [
    ("gemeente-haarlem", 1, '    mz:recognitionDate "2018-11-16"^^xsd:date ;\n', ""),
    ("gemeente-haarlem", 2, "schema:value 1400 ;", 'schema:value "ongeveer 1400" ;'),
    ("gemeente-emmen", 1, "mz:measureGroup mg:dialogue ;", "mz:measureGroup mg:conversation ;"),
    ("gemeente-emmen", 2, 'mz:recognitionDate "', 'mz:recognitionDate "2999-01-01"^^xsd:date ; mz:quote "'),
    ("regio-twente", 1, "mz:partner partner:", "mz:partner place:haarlem , partner:"),  # a relation to a place
    (
        "gemeente-enschede",
        2,
        "mz:measure m:",
        "mz:measure <https://w3id.org/mzgraph/id/measure/regio-twente-1/awareness-1> , m:",
    ),
    ("gemeente-amersfoort", 1, 'rdfs:label "Gemeente Amersfoort"@nl', 'rdfs:label "Gemeente Amersfoort"'),
    # each of these is found by a SPARQL target (run by Oxigraph on the store, by pySHACL in a plain run)
    ("gemeente-emmen", 3, "mz:category mt:staff-survey ;", "mz:category mt:no-such-type ;"),
    ("gemeente-emmen", 1, 'mz:text "is relevante', 'mz:text "kort"@nl ; mz:note "is relevante'),
    ("gemeente-haarlem", 3, "schema:value 1400 ;", "schema:value 1400 ; mz:conflictsWith mz:x ;"),
    ("regio-twente", 2, "    mz:category mt:job-rotation ;\n", ""),  # a measure without category, not truncated
]


def _copy(text: str, slug: str, copy: int) -> str:
    """An organisation file renamed to ``slug-copy`` (its IRIs, source file name and prefixes)."""
    return re.sub(rf"\b{re.escape(slug)}\b", f"{slug}-{copy}", text)


@pytest.fixture(scope="module")
def many_organisations(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The bundled data with each organisation copied, some copies broken; files to validate."""
    folder = tmp_path_factory.mktemp("organisations")
    for source in sorted(ORGANISATIONS.glob("*.ttl")):
        for copy in range(1, COPIES + 1):
            text = _copy(source.read_text(encoding="utf-8"), source.stem, copy)
            for old, new in ((old, new) for slug, n, old, new in BREAKS if (slug, n) == (source.stem, copy)):
                assert old in text, f"{old!r} not in {source.name}: the data changed"
                text = text.replace(old, new, 1)
            (folder / f"{source.stem}-{copy}.ttl").write_text(text, encoding="utf-8")
    shared = [p for p in rdf_files(data_dir(), exclude=(data_dir() / "private", data_dir() / "sources"))]
    return [*shared, *sorted(folder.glob("*.ttl")), *rdf_files(ontology_dir())]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return read_shapes(rdf_files(shapes_dir()))


def _key(result: ValidationResult) -> tuple[str, ...]:
    terms = (result.focus, result.path, result.value, result.severity.iri, result.component, result.shape)
    return (*("" if term is None else term.n3() for term in terms), result.message)


@pytest.mark.slow
def test_pieces_give_the_results_of_one_run(many_organisations: list[Path], shapes: Graph) -> None:
    sources = read_sources(many_organisations)
    reach = shapes_reach(shapes)
    assert reach is not None

    whole = shacl_results(to_rdflib_graph(sources.triples()), shapes)  # plain pySHACL, shapes as written
    pieces = cut_pieces(sources.store, reach, pieces=4)
    assert pieces is not None and pieces.count == 5  # 20 employers in 4 groups, and the shared piece
    runnable, targets = select_sparql_targets(shapes, sources.store)
    assert targets and not any(runnable.triples((None, SH.target, None)))  # every SPARQL target run by Oxigraph
    in_pieces = validate_pieces(pieces, runnable, targets, lang="en", jobs=2)

    assert len(whole) >= len(BREAKS)  # every break is seen, some more than once
    assert Counter(map(_key, in_pieces)) == Counter(map(_key, whole))


@pytest.mark.slow
def test_validate_uses_pieces_for_a_large_graph_with_the_same_report(
    many_organisations: list[Path], shapes: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = read_sources(many_organisations)
    one_run = validate(sources, shapes, jobs=1)
    monkeypatch.setattr("mzgraph.validation.engine.MIN_TRIPLES_FOR_PIECES", 0)
    called = []
    monkeypatch.setattr(
        "mzgraph.validation.engine.validate_pieces", lambda *a, **k: called.append(1) or validate_pieces(*a, **k)
    )

    in_pieces = validate(sources, shapes, jobs=2)

    assert called == [1]
    assert in_pieces.results == one_run.results  # located and sorted the same way
    assert (in_pieces.conforms, in_pieces.triples) == (False, one_run.triples)


def test_a_small_graph_or_unbounded_shapes_are_validated_in_one_run(shapes: Graph) -> None:
    sources = read_sources([ORGANISATIONS / "gemeente-haarlem.ttl"])
    assert cut_pieces(sources.store, shapes_reach(shapes), pieces=4) is None  # one employer: nothing to cut

    unbounded = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> sh:targetClass <urn:c> ; sh:property [ sh:path [ sh:zeroOrMorePath <urn:p> ] ; sh:minCount 1 ] .""",
        format="turtle",
    )
    assert shapes_reach(unbounded) is None


def test_sources_count_distinct_triples_across_files(tmp_path: Path) -> None:
    sources = Sources()
    a = tmp_path / "a.nt"
    a.write_text("<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> <urn:c> .\n", encoding="utf-8")
    sources = read_sources([a, a])

    assert sources.triple_count() == 2


def test_triple_count_with_files_overlapping_in_several_ways(tmp_path: Path) -> None:
    t1, t2, t3, t4 = (f"<urn:a> <urn:p> <urn:{x}> .\n" for x in "wxyz")
    files = {"a.nt": t1 + t2, "b.nt": t2 + t3 + "_:b <urn:p> <urn:w> .\n", "c.ttl": t1 + t2 + t3 + t4, "d.nt": t4}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    sources = read_sources([tmp_path / name for name in files])

    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    (row,) = sources.store.query(distinct, use_default_graph_as_union=True)
    assert sources.triple_count() == int(row["n"].value) == 5


@pytest.mark.slow
def test_prepared_shapes_give_the_results_of_the_written_ones(many_organisations: list[Path], shapes: Graph) -> None:
    data = to_rdflib_graph(read_sources(many_organisations).triples())
    prepared = prepare_shapes(shapes)

    assert prepared.copied_from  # property shapes were handed their node shapes' targets
    assert Counter(map(_key, shacl_results(data, prepared))) == Counter(map(_key, shacl_results(data, shapes)))


@pytest.mark.slow
def test_sparql_targets_run_by_oxigraph_give_the_results_of_pyshacl(
    many_organisations: list[Path], shapes: Graph
) -> None:
    sources = read_sources(many_organisations)
    data = to_rdflib_graph(sources.triples())
    runnable, targets = select_sparql_targets(shapes, sources.store)
    selected = prepare_shapes(with_target_nodes(runnable, targets))

    described = ConstraintComponent.make_v_result_description
    from_targets = Counter(map(_key, shacl_results(data_graph(sources.triples()), selected)))
    assert ConstraintComponent.make_v_result_description is described  # pySHACL's text report is back
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True
    )  # plain pySHACL, as the benchmark runs it
    whole = Counter(map(_key, results_from_report(report, shapes)))

    assert from_targets == whole
    messages = {key[-1] for key in whole}
    for found_by_target in ("Very short measure text", "Conflicting figures", "Not a concept of the measure-type"):
        assert any(m.startswith(found_by_target) for m in messages), found_by_target
    assert any("lies in the future" in m for m in messages)


@pytest.mark.slow
def test_data_graph_fills_the_store_as_graph_add_does(many_organisations: list[Path]) -> None:
    triples = list(read_sources(many_organisations[:3]).triples())
    triples += triples[:10]  # a repeated triple is stored once
    fast, usual = data_graph(triples), to_rdflib_graph(triples)

    assert len(fast) == len(usual) == len(set(usual)) > 100
    assert set(fast) == set(usual)
    indexes = ("_Memory__spo", "_Memory__pos", "_Memory__osp")
    assert [getattr(fast.store, i) for i in indexes] == [getattr(usual.store, i) for i in indexes]
    contexts = "_Memory__tripleContexts"
    assert {t: sorted(map(bool, c)) for t, c in getattr(fast.store, contexts).items()} == {
        t: sorted(map(bool, c)) for t, c in getattr(usual.store, contexts).items()
    }  # each triple in its graph and in the default one
    assert {c.identifier for _, cs in fast.store.triples((None, None, None), None) for c in cs} == {fast.identifier}
    subject = next(iter(usual.subjects()))
    assert sorted(fast.predicate_objects(subject)) == sorted(usual.predicate_objects(subject))


@pytest.mark.slow
def test_pieces_sent_as_ntriples_where_processes_cannot_fork(
    many_organisations: list[Path], shapes: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = read_sources(many_organisations)
    pieces = cut_pieces(sources.store, shapes_reach(shapes), pieces=2)
    assert pieces is not None
    runnable, targets = select_sparql_targets(shapes, sources.store)
    inherited = validate_pieces(pieces, runnable, targets, lang="en", jobs=2)
    monkeypatch.setattr("mzgraph.validation.pieces.multiprocessing.get_all_start_methods", lambda: ["spawn"])
    sent = validate_pieces(pieces, runnable, targets, lang="en", jobs=2)

    assert inherited and Counter(map(_key, sent)) == Counter(map(_key, inherited))
