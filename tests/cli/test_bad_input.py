"""Bad input files for ``mzgraph validate``, ``load`` and ``import`` (the CLI in a subprocess).

Each bad file gives one clear line ``file:line[:column]: message`` on stderr, exit code 2, no traceback,
and no partial output: ``load --store`` leaves no store and no half-built folder behind, ``import`` writes
nothing. ``import`` reads RDF through ``--vocabulary``; its profile texts are covered in ``test_importer_cli.py``
and the failed load over an existing store in ``test_store_embedded.py``.
"""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from common import ROOT, Listener

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bad_input"
PROFILE = ROOT / "data" / "sources" / "gemeente-emmen.txt"
VALID = Path(__file__).parents[1] / "fixtures" / "validation" / "valid-organisation.ttl"
RUN = Callable[..., subprocess.CompletedProcess[str]]

# file -> (where, what): the position printed and a part of the message.
BAD = {
    "malformed.ttl": ("malformed.ttl:6:18", "Unexpected end of file"),
    "malformed.nt": ("malformed.nt:3:1", "must be followed by a dot"),
    "malformed.jsonld": ("malformed.jsonld:6:1", "Unexpected closing curly bracket"),
    "billion-laughs.rdf": ("billion-laughs.rdf:4", "nested entity 'lol1' refused"),
    "external-entity.rdf": ("external-entity.rdf:2", "external entity 'secret' refused (SYSTEM"),
    "latin1.ttl": ("latin1.ttl:2:67", "not UTF-8 (byte 0xe9)"),
    "binary.nt": ("binary.nt", "not a text file"),
}


def _clean_failure(result: subprocess.CompletedProcess[str], where: str, what: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert where in result.stderr and what in result.stderr, result.stderr


def _load(mzgraph: RUN, store: Path, *data: Path) -> subprocess.CompletedProcess[str]:
    return mzgraph("load", "--store", str(store), *(flag for path in data for flag in ("--data", str(path))))


def _assert_nothing_built(store: Path) -> None:
    assert not store.exists(), "a failed load leaves no store"
    assert not list(store.parent.glob(f".{store.name}.*")), "and no half-built folder"


def test_validate_names_every_bad_file_with_its_position(mzgraph: RUN) -> None:
    result = mzgraph("validate", *(str(FIXTURES / name) for name in BAD))
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == len(BAD), result.stderr
    for where, what in BAD.values():
        assert any(where in line and what in line for line in lines), (where, result.stderr)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", list(BAD))
def test_load_refuses_a_bad_file_and_builds_nothing(name: str, mzgraph: RUN, tmp_path: Path) -> None:
    store = tmp_path / "store"
    _clean_failure(_load(mzgraph, store, VALID, FIXTURES / name), *BAD[name])
    _assert_nothing_built(store)


@pytest.mark.parametrize("name", list(BAD))
def test_import_refuses_a_bad_vocabulary_file_and_writes_nothing(name: str, mzgraph: RUN, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = mzgraph("import", "--out", str(out), "--vocabulary", str(FIXTURES / name), str(PROFILE))
    _clean_failure(result, *BAD[name])
    assert "nothing written" in result.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_a_remote_json_ld_context_is_never_fetched(mzgraph: RUN, listener: Listener, tmp_path: Path) -> None:
    document = tmp_path / "remote-context.jsonld"
    document.write_text(
        f'{{"@context": "{listener.url}", "@id": "https://w3id.org/mzgraph/id/organisation/x", "label": "X"}}\n',
        encoding="utf-8",
    )
    what = "remote contexts are never fetched"
    _clean_failure(mzgraph("validate", str(document)), "remote-context.jsonld:", what)
    _clean_failure(_load(mzgraph, tmp_path / "store", document), "remote-context.jsonld:", what)
    _assert_nothing_built(tmp_path / "store")
    result = mzgraph("import", "--out", str(tmp_path / "out"), "--vocabulary", str(document), str(PROFILE))
    _clean_failure(result, "remote-context.jsonld:", what)
    assert listener.connections == []


def test_a_wrong_datatype_fails_validation_with_the_shapes_message(mzgraph: RUN) -> None:
    result = mzgraph("validate", str(FIXTURES / "wrong-datatype.ttl"))
    assert result.returncode == 1, result.stderr
    assert "wrong-datatype.ttl:29  <https://w3id.org/mzgraph/id/recognition/gemeente-proef>" in result.stdout
    assert "[datatype]" in result.stdout and "Needs exactly one recognition date" in result.stdout
    assert "does not conform" in result.stdout and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def thousands(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 small Turtle files in nested folders."""
    folder = tmp_path_factory.mktemp("thousands")
    for i in range(3000):
        path = folder / f"part-{i // 500}" / f"org-{i:04}.ttl"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            f'<https://example.org/org/{i}> <http://www.w3.org/2000/01/rdf-schema#label> "Organisation {i}"@nl .\n',
            encoding="utf-8",
        )
    return folder


@pytest.mark.slow
def test_a_folder_of_thousands_of_files_is_validated_and_loaded_in_bounded_time(
    thousands: Path, mzgraph: RUN, tmp_path: Path
) -> None:
    started = time.monotonic()
    validated = mzgraph("validate", "--no-ontology", str(thousands), timeout=120)
    assert validated.returncode == 0, validated.stderr[-2000:]
    assert "3000 files, 3000 triples" in validated.stdout and "conforms" in validated.stdout
    loaded = _load(mzgraph, tmp_path / "store", thousands)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 3,000 triples from 3000 files" in loaded.stderr
    assert time.monotonic() - started < 90


@pytest.mark.slow
def test_one_bad_file_among_thousands_is_named_and_nothing_is_loaded(
    thousands: Path, mzgraph: RUN, tmp_path: Path
) -> None:
    bad = thousands / "part-3" / "org-1717.ttl"
    original = bad.read_text(encoding="utf-8")
    bad.write_text(original.replace(" .\n", "\n"), encoding="utf-8")
    try:
        _clean_failure(mzgraph("validate", "--no-ontology", str(thousands)), "org-1717.ttl:2:1", "")
        _clean_failure(_load(mzgraph, tmp_path / "store", thousands), "org-1717.ttl:2:1", "")
        _assert_nothing_built(tmp_path / "store")
    finally:
        bad.write_text(original, encoding="utf-8")


TRIPLES = 200_000


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~28 MB of N-Triples (200,000 triples)."""
    path = tmp_path_factory.mktemp("large") / "large.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(TRIPLES):
            out.write(
                f"<https://example.org/big/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> "
                f'"label number {i}, padded to look like a real one"@en .\n'
            )
    return path


def test_a_large_file_with_an_error_near_its_end_is_named_with_the_line(
    large: Path, mzgraph: RUN, tmp_path: Path
) -> None:
    broken = tmp_path / "large-broken.nt"
    with large.open("rb") as source, broken.open("wb") as out:
        out.write(source.read())
        out.write(b'<https://example.org/big/last> <http://example.org/p> "unterminated .\n')
    started = time.monotonic()
    where = f"large-broken.nt:{TRIPLES + 1}:"
    _clean_failure(mzgraph("validate", "--no-ontology", str(broken)), where, "")
    _clean_failure(_load(mzgraph, tmp_path / "store", broken), where, "")
    _assert_nothing_built(tmp_path / "store")
    assert time.monotonic() - started < 120


def test_a_large_file_loads_with_bounded_time_and_memory(large: Path, mzgraph: RUN, tmp_path: Path) -> None:
    started = time.monotonic()
    loaded = _load(mzgraph, tmp_path / "store", large)
    elapsed = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert loaded.returncode == 0, loaded.stderr
    assert f"loaded {TRIPLES:,} triples" in loaded.stderr
    size_mb = large.stat().st_size / 1e6
    print(f"\nload --store of {size_mb:.0f} MB N-Triples: {elapsed:.1f} s, peak RSS of a child {peak_mb:.0f} MB")
    assert elapsed < 90
    assert peak_mb < 1500, "memory stays within a small multiple of the file"
