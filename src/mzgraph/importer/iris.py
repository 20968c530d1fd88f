"""The IRIs the importer mints, following the conventions of the curated data under ``{base}id/``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

from mzgraph.rdf.namespaces import ID

_NOT_SLUG = re.compile(r"[^a-z0-9]+")

# The measure IRIs abbreviate the group: <https://w3id.org/mzgraph/id/measure/regio-twente/tailored-3>.
GROUP_SLUGS: dict[URIRef, str] = {
    ID["measure-group/awareness"]: "awareness",
    ID["measure-group/dialogue"]: "dialogue",
    ID["measure-group/tailored-solutions"]: "tailored",
    ID["measure-group/embedding"]: "embedding",
}


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by ``-``: ``Gemeente Enschede`` -> ``gemeente-enschede``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")


def local_name(iri: URIRef) -> str:
    """The last path segment of an IRI: ``…/quantity-kind/employees`` -> ``employees``."""
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ProfileIris:
    """The IRIs of everything imported from one profile (``slug`` is the organisation's)."""

    base: str
    slug: str

    def _id(self, path: str) -> URIRef:
        return URIRef(f"{self.base}id/{path}")

    @property
    def organisation(self) -> URIRef:
        return self._id(f"organisation/{self.slug}")

    @property
    def recognition(self) -> URIRef:
        return self._id(f"recognition/{self.slug}")

    @property
    def ambassador_role(self) -> URIRef:
        return self._id(f"ambassador-role/{self.slug}")

    @property
    def source(self) -> URIRef:
        return self._id(f"source/{self.slug}")

    def measure(self, group: URIRef, n: int) -> URIRef:
        return self._id(f"measure/{self.slug}/{GROUP_SLUGS[group]}-{n}")

    def statement(self, kind: URIRef, n: int) -> URIRef:
        return self._id(f"statement/{self.slug}/{local_name(kind)}-{n}")

    def figure(self, quantity_kind: URIRef, n: int | None) -> URIRef:
        suffix = "" if n is None else f"-{n}"
        return self._id(f"figure/{self.slug}/{local_name(quantity_kind)}{suffix}")

    def partner_relation(self, partner: URIRef, role: URIRef) -> URIRef:
        return self._id(f"partner-relation/{self.slug}/{local_name(partner)}--{local_name(role)}")

    def contact(self, name: str) -> URIRef:
        return self._id(f"contact/{slugify(name)}")
