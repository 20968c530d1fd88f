"""Where the bundled ontology, shapes, data and saved queries live (repo checkout or installed wheel)."""

from __future__ import annotations

from pathlib import Path

from mzgraph.errors import InputError

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = _PACKAGE_DIR.parents[1]


def bundled_dir(name: str) -> Path:
    """The bundled folder ``name`` (ontology, shapes, data or queries)."""
    in_checkout = _CHECKOUT_ROOT / name
    if in_checkout.is_dir():
        return in_checkout
    return _PACKAGE_DIR / "_bundled" / name


def ontology_dir() -> Path:
    return bundled_dir("ontology")


def shapes_dir() -> Path:
    return bundled_dir("shapes")


def data_dir() -> Path:
    return bundled_dir("data")


def private_data_dir() -> Path:
    return data_dir() / "private"


def queries_dir() -> Path:
    return bundled_dir("queries")


RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".json", ".rdf", ".owl", ".xml")


def rdf_files(path: Path, *, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """RDF files under ``path`` (a file or a folder), sorted, skipping the ``exclude`` folders."""
    if path.is_file():
        return [path]
    excluded = tuple(p.resolve() for p in exclude)
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() in RDF_SUFFIXES and not any(p.resolve().is_relative_to(e) for e in excluded)
    )


def bundled_graph_files(*, include_private: bool = False, private: Path | None = None) -> list[Path]:
    """The ontology, the measure-type scheme and the published data; private contacts only if asked.

    Personal data is never bundled: ``private`` (by default ``data/private/`` of a checkout, which git
    ignores) holds what ``mzgraph import`` wrote there from original texts.
    """
    files = rdf_files(ontology_dir()) + rdf_files(data_dir(), exclude=(private_data_dir(), data_dir() / "sources"))
    if include_private:
        folder = private or private_data_dir()
        found = rdf_files(folder) if folder.exists() else []
        if not found:
            raise InputError(str(folder), "no private data here to include; `mzgraph import --private-out` writes it")
        files += found
    return files
