"""Getting files into a store: Oxigraph parses them natively with the canonical base, Python streams them
when IRIs are rewritten; either way each document keeps its own blank nodes and a bad file fails whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from common import SPARQL_DATA
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.errors import InputError
from mzgraph.store.loading import BULK_FILE_BYTES, load_directory, read_into

OTHER_BASE = "https://data.example.org/mz/"
P = ox.NamedNode("http://ex/p")
Q = ox.NamedNode("http://ex/q")


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two files that both say ``_:b0``; the second is big enough to be bulk loaded on disk."""
    folder = tmp_path_factory.mktemp("blank")
    small, big = folder / "small.nt", folder / "big.nt"
    blank = b"_:b0 <http://ex/p> <http://ex/o> .\n_:b0 <http://ex/q> _:b1 .\n"
    small.write_bytes(blank)
    filler = b'<https://w3id.org/mzgraph/id/thing/x> <http://ex/label> "a filler line of some length" .\n'
    big.write_bytes(blank + filler * (BULK_FILE_BYTES // len(filler) + 1))
    assert big.stat().st_size > BULK_FILE_BYTES
    return [small, big]


def _filled(files: list[Path], base_iri: str, tmp_path: Path, on_disk: bool) -> ox.Store:
    if not on_disk:
        store = ox.Store()
        read_into(store, files, base_iri)
        return store
    load_directory(tmp_path / "store", files, base_iri)
    return ox.Store.read_only(str(tmp_path / "store"))


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
@pytest.mark.parametrize("base_iri", [DEFAULT_BASE_IRI, OTHER_BASE], ids=["native", "rewritten"])
def test_blank_nodes_of_two_files_are_two_nodes_on_every_path(
    two_documents: list[Path], base_iri: str, on_disk: bool, tmp_path: Path
) -> None:
    store = _filled(two_documents, base_iri, tmp_path, on_disk)
    subjects = {q.subject for q in store.quads_for_pattern(None, P, None)}
    assert len(subjects) == 2 and all(isinstance(s, ox.BlankNode) for s in subjects)
    # within a document _:b0 stays one node
    assert {q.subject for q in store.quads_for_pattern(None, Q, None)} == subjects
    things = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode("http://ex/label"), None)}
    assert things == {base_iri + "id/thing/x"}


def test_the_rewritten_load_is_the_native_one_with_the_entity_iris_moved(tmp_path: Path) -> None:
    native, rewritten = ox.Store(), ox.Store()
    read_into(native, SPARQL_DATA, DEFAULT_BASE_IRI)
    read_into(rewritten, SPARQL_DATA, OTHER_BASE)

    def text(store: ox.Store) -> set[str]:
        return {str(q) for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}

    moved = {line.replace(DEFAULT_BASE_IRI + "id/", OTHER_BASE + "id/") for line in text(native)}
    assert len(rewritten) == len(native) > 0
    assert text(rewritten) == moved != text(native)


def test_a_bad_file_in_memory_fails_with_its_line_on_either_path(tmp_path: Path) -> None:
    good = SPARQL_DATA[0]
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", encoding="utf-8")
    for base in (DEFAULT_BASE_IRI, OTHER_BASE):
        with pytest.raises(InputError) as caught:
            read_into(ox.Store(), [good, bad], base)
        assert (caught.value.path, caught.value.line) == (str(bad), 3)


@pytest.mark.slow
def test_an_in_memory_load_builds_no_python_object_per_triple(tmp_path: Path) -> None:
    """Loading 200,000 triples (28 MB) in memory grows the process about as much as Oxigraph's own load of the
    file (~130 MB); a list of Python quads cost ~1 KB per triple more (the old reader: 270 MB)."""
    path = tmp_path / "large.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(200_000):
            out.write(
                f"<https://w3id.org/mzgraph/id/big/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> "
                f'"label number {i}, padded to look like a real one"@en .\n'
            )
    script = (
        "import resource, sys, pyoxigraph as ox\n"
        "from pathlib import Path\n"
        "from mzgraph.store.loading import read_into\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "store = ox.Store()\n"
        "if sys.argv[2] == 'oxigraph':\n"
        "    store.load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)\n"
        "else:\n"
        "    read_into(store, [Path(sys.argv[1])], sys.argv[2])\n"
        "print(len(store), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )

    def grown_mb(how: str) -> int:
        done = subprocess.run([sys.executable, "-c", script, str(path), how], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        triples, grown = map(int, done.stdout.split())
        assert triples == 200_000
        return grown

    native, ours, rewritten = grown_mb("oxigraph"), grown_mb(DEFAULT_BASE_IRI), grown_mb(OTHER_BASE)
    print(f"\nin-memory load of 200,000 triples, MB grown: Oxigraph {native}, mzgraph {ours}, rewritten {rewritten}")
    assert ours < native + 40
    assert rewritten < native + 100, "the rewrite streams: no list of the file's quads (that took 280 MB)"
