"""One profile text -> its Turtle: read, parse, interpret, build the graphs, serialise.

Nothing is written here; :mod:`~mzgraph.importer.output` writes, after validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from mzgraph.importer.graph import private_graph, public_graph
from mzgraph.importer.parsing import parse_profile
from mzgraph.importer.profile import ImportedProfile, interpret
from mzgraph.importer.source import read_source
from mzgraph.importer.turtle import to_turtle
from mzgraph.importer.vocabulary import Vocabulary


@dataclass(frozen=True)
class ProfileImport:
    """The result of importing one profile: what was found, the graphs and their Turtle."""

    profile: ImportedProfile
    public: Graph
    private: Graph
    turtle: bytes
    private_turtle: bytes | None
    """None when the profile names no contact person."""

    @property
    def slug(self) -> str:
        return self.profile.iris.slug


def import_profile(path: Path, vocabulary: Vocabulary, base: str) -> ProfileImport:
    """Import the profile text at ``path``; :class:`~mzgraph.errors.InputError` if it cannot be used."""
    source = read_source(path)
    profile = interpret(source, parse_profile(source, vocabulary), vocabulary, base)
    public, private = public_graph(profile, vocabulary), private_graph(profile, vocabulary)
    name, file_name = profile.name, source.file_name
    header = (
        f"{name}: imported by `mzgraph import` from {file_name} (SHA-256 {source.sha256}).\n"
        "Every text is verbatim; mz:sourceLine is the line in that file. Contact persons are kept apart."
    )
    private_header = f"PERSONAL DATA: the contact persons of {name}, imported from {file_name}. Never publish."
    return ProfileImport(
        profile=profile,
        public=public,
        private=private,
        turtle=to_turtle(public, profile.iris, header),
        private_turtle=to_turtle(private, profile.iris, private_header) if len(private) else None,
    )
