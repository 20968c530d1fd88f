"""What the importer recognises, read from the graph: SKOS schemes, partner bodies, events, places.

Nothing here is a list of words in code. Measure groups, statement kinds, measure types, partner roles,
quantity kinds and approximations are found by their Dutch ``skos:prefLabel``, ``skos:altLabel`` and
``skos:hiddenLabel``; partner bodies, events, regulations and agreements by their Dutch ``rdfs:label``,
``skos:altLabel``, ``skos:hiddenLabel`` and ``dcterms:title``; places by their label. Adding a label to the
ontology or the data teaches the importer a new wording: an ``altLabel`` when it is another name of the
thing, a ``hiddenLabel`` when it is only a wording to match (SKOS tools show the first, not the second).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG

from mzgraph import bundled
from mzgraph.importer.dutch import FUNCTION_WORDS
from mzgraph.importer.matching import (
    DescriptionIndex,
    LabelIndex,
    NearestLabels,
    label_variants,
    normalise,
    same_words,
    words,
)
from mzgraph.rdf.namespaces import ID, MZ, SCHEMA
from mzgraph.rdf.rdflib_bridge import to_rdflib_graph
from mzgraph.rdf.reading import read_files

SCHEME = Namespace(ID["scheme/"])
STATEMENT_KIND = Namespace(ID["statement-kind/"])
PARTNER_ROLE = Namespace(ID["partner-role/"])
PARTNER_KIND = Namespace(ID["partner-kind/"])
QUANTITY_KIND = Namespace(ID["quantity-kind/"])
APPROXIMATION = Namespace(ID["approximation/"])
ENTITY_CLASSES = (MZ.PartnerBody, MZ.Event, MZ.Regulation, MZ.Agreement)
LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
"""The labels a concept is found by in a text."""
_COMPOUND_HEAD = 5
"""Letters a one-word label needs to be recognised at the end of a compound."""


def default_vocabulary_files() -> list[Path]:
    """The bundled ontology and the shared data (partners, events, places), not the organisations."""
    data = bundled.data_dir()
    skip = (data / "organisations", bundled.private_data_dir(), data / "sources")
    return bundled.rdf_files(bundled.ontology_dir()) + bundled.rdf_files(data, exclude=skip)


class Vocabulary:
    """Label indexes and lookups over one graph of ontology and shared data."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    @classmethod
    def load(cls, paths: Sequence[Path]) -> Vocabulary:
        """Read ``paths`` through the safe RDF reader (:class:`~mzgraph.errors.InputError` if one is bad)."""
        return cls(to_rdflib_graph(read_files(paths)))

    # ---- SKOS schemes -------------------------------------------------------------------------------

    def concepts(self, scheme: str) -> list[URIRef]:
        """The concepts of ``scheme:<scheme>``, by ``skos:notation`` where given, then by IRI."""
        found = {c for c in self.graph.subjects(SKOS.inScheme, SCHEME[scheme]) if isinstance(c, URIRef)}
        return sorted(found, key=lambda c: (str(self.graph.value(c, SKOS.notation) or "~"), str(c)))

    def concept_index(self, scheme: str) -> LabelIndex:
        """An index of the Dutch preferred, alternative and hidden labels of the concepts of a scheme."""
        return LabelIndex((c, label) for c in self.concepts(scheme) for label in self.dutch(c, *LABELS))

    @cached_property
    def groups(self) -> LabelIndex:
        return self.concept_index("measure-group")

    @cached_property
    def statement_kinds(self) -> LabelIndex:
        return self.concept_index("statement-kind")

    @cached_property
    def measure_types(self) -> LabelIndex:
        return self.concept_index("measure-type")

    @cached_property
    def measure_type_descriptions(self) -> DescriptionIndex:
        """Measure types by the words of their labels and definitions, to guess when no label matches."""
        predicates = (*LABELS, SKOS.definition)
        return DescriptionIndex((c, text) for c in self.concepts("measure-type") for text in self.dutch(c, *predicates))

    @cached_property
    def measure_type_labels(self) -> NearestLabels:
        """Measure types by their labels, to suggest the nearest ones where a person must decide."""
        concepts = self.concepts("measure-type")
        labels = [(c, label) for c in concepts for label in self.dutch(c, *LABELS)]
        definitions = [(c, text) for c in concepts for text in self.dutch(c, SKOS.definition)]
        return NearestLabels(labels, [*labels, *definitions], ignore=FUNCTION_WORDS)

    @cached_property
    def _one_word_measure_type_labels(self) -> list[tuple[str, URIRef]]:
        found = []
        for concept in self.concepts("measure-type"):
            for label in self.dutch(concept, *LABELS):
                if len(label_words := words(label)) == 1 and len(label_words[0].norm) >= _COMPOUND_HEAD:
                    found.append((label_words[0].norm, concept))
        return found

    def measure_type_heads(self, word: str) -> list[URIRef]:
        """The measure types a compound word names by ending in one of their one-word labels
        (*medewerkerspeiling*: a *peiling*, a staff survey); ``word`` is normalised (:func:`normalise`)."""
        return [c for label, c in self._one_word_measure_type_labels if word != label and word.endswith(label)]

    def kind_measure_types(self, partner: URIRef) -> list[URIRef]:
        """The measure types the kind of ``partner`` is ``skos:related`` to (a support centre: referral to support)."""
        kind = self.partner_kind(partner)
        if kind is None:
            return []
        related = self.graph.objects(kind, SKOS.related)
        return sorted(
            t for t in related if isinstance(t, URIRef) and (t, SKOS.inScheme, SCHEME["measure-type"]) in self.graph
        )

    @cached_property
    def internal_bodies(self) -> LabelIndex:
        """Bodies inside every employer (the OR, the MT, P&O): named in profiles, but never partners."""
        return self.concept_index("internal-body")

    @cached_property
    def roles(self) -> LabelIndex:
        return self.concept_index("partner-role")

    @cached_property
    def quantity_kinds(self) -> LabelIndex:
        return self.concept_index("quantity-kind")

    @cached_property
    def narrower_quantity_kinds(self) -> dict[URIRef, list[tuple[URIRef, frozenset[URIRef]]]]:
        """Quantity kind -> its narrower kinds, each with the concepts it is ``skos:related`` to."""
        found: dict[URIRef, list[tuple[URIRef, frozenset[URIRef]]]] = {}
        for kind in self.concepts("quantity-kind"):
            related = frozenset(r for r in self.graph.objects(kind, SKOS.related) if isinstance(r, URIRef))
            for broader in self.graph.objects(kind, SKOS.broader):
                if isinstance(broader, URIRef) and related:
                    found.setdefault(broader, []).append((kind, related))
        return found

    @cached_property
    def approximations(self) -> LabelIndex:
        return self.concept_index("approximation")

    @property
    def exact(self) -> URIRef:
        """The approximation concept for a number stated without qualification."""
        return APPROXIMATION.exact

    @cached_property
    def narrower_than(self) -> dict[URIRef, set[URIRef]]:
        """Each concept's broader concepts, transitively."""
        closure: dict[URIRef, set[URIRef]] = {}
        for concept in self.concepts("measure-type"):
            seen: set[URIRef] = set()
            todo = [concept]
            while todo:
                for parent in self.graph.objects(todo.pop(), SKOS.broader):
                    if isinstance(parent, URIRef) and parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            closure[concept] = seen
        return closure

    def most_specific(self, concepts: Iterable[URIRef]) -> list[URIRef]:
        """``concepts`` without any that is broader than another one of them."""
        given = list(dict.fromkeys(concepts))
        broader = {b for c in given for b in self.narrower_than.get(c, ())}
        return [c for c in given if c not in broader]

    # ---- partner bodies, events, regulations, agreements, places ------------------------------------

    @cached_property
    def entities(self) -> LabelIndex:
        """Partner bodies, events, regulations and agreements by name (and the name's variants)."""
        labels = [
            (entity, variant)
            for entity in self.instances(*ENTITY_CLASSES)
            for label in self.dutch(entity, RDFS.label, SKOS.altLabel, SKOS.hiddenLabel, DCTERMS.title)
            for variant in label_variants(label)
        ]
        return LabelIndex(labels)

    @cached_property
    def provinces(self) -> frozenset[URIRef]:
        return frozenset(self.instances(MZ.Province))

    @cached_property
    def places(self) -> LabelIndex:
        # towns and regions before provinces: "Regio Utrecht" is in the province, not the province
        places = sorted(self.instances(MZ.Place, MZ.Province), key=lambda p: (p in self.provinces, str(p)))
        return LabelIndex((p, label) for p in places for label in self.dutch(p, RDFS.label))

    def entity_class(self, entity: URIRef) -> URIRef | None:
        """Which of partner body, event, regulation or agreement ``entity`` is."""
        return next((c for c in ENTITY_CLASSES if (entity, RDF.type, c) in self.graph), None)

    def partner_kind(self, partner: URIRef) -> URIRef | None:
        kind = self.graph.value(partner, MZ.partnerKind)
        return kind if isinstance(kind, URIRef) else None

    def unit_of(self, partner: URIRef) -> set[URIRef]:
        """The organisations ``partner`` is a unit of (``org:unitOf``): it is named only in their profiles."""
        return {o for o in self.graph.objects(partner, ORG.unitOf) if isinstance(o, URIRef)}

    def event_partners(self, event: URIRef) -> list[URIRef]:
        """The partner bodies that organise or contribute to ``event``."""
        people = [*self.graph.objects(event, SCHEMA.organizer), *self.graph.objects(event, SCHEMA.contributor)]
        return sorted(p for p in people if isinstance(p, URIRef) and (p, RDF.type, MZ.PartnerBody) in self.graph)

    def partner_for_email(self, email: str) -> URIRef | None:
        """The partner body whose name or website is the domain of ``email`` (werkenmantelzorg.nl)."""
        domain = _compact(email.rpartition("@")[2].split(".")[0])
        for partner in self.instances(MZ.PartnerBody):
            names = self.dutch(partner, RDFS.label, SKOS.altLabel)
            urls = self.graph.objects(partner, SCHEMA.url)
            hosts = [str(u).split("//")[-1].removeprefix("www.").split(".")[0] for u in urls]
            if domain in {_compact(n) for n in [*names, *hosts]}:
                return partner
        return None

    def same_preferred_label(self, scheme: str, other: str) -> dict[URIRef, URIRef]:
        """Concepts of ``scheme`` -> the concept of ``other`` with the same Dutch preferred label."""
        targets = {normalise(label): c for c in self.concepts(other) for label in self.dutch(c, SKOS.prefLabel)}
        return {
            concept: targets[normalise(label)]
            for concept in self.concepts(scheme)
            for label in self.dutch(concept, SKOS.prefLabel)
            if normalise(label) in targets
        }

    @cached_property
    def passage_partner_kinds(self) -> dict[URIRef, URIRef]:
        """Statement kind -> the partner kind a passage of that kind is about (*Netwerk*: the network)."""
        return self.same_preferred_label("statement-kind", "partner-kind")

    @cached_property
    def awarding_body(self) -> URIRef:
        """The partner body that recognises employers and publishes the profiles."""
        bodies = self.graph.subjects(MZ.partnerKind, PARTNER_KIND["recognition-body"])
        named = sorted(b for b in bodies if isinstance(b, URIRef))
        if not named:
            raise LookupError("the vocabulary has no partner body of kind pk:recognition-body")
        return named[0]

    # ---- headings (the parser's questions) ----------------------------------------------------------

    def question_group(self, text: str) -> URIRef | None:
        """The measure group a heading names."""
        return self.groups.best(text)

    def section_kind(self, text: str) -> URIRef | None:
        """The statement kind a heading names."""
        return self.statement_kinds.best(text)

    def is_publisher(self, text: str) -> bool:
        """True when ``text`` is exactly a name of the awarding body (the first line of every profile)."""
        names = self.dutch(self.awarding_body, RDFS.label, SKOS.altLabel)
        return any(same_words(text, name) for name in names)

    # ---- labels ------------------------------------------------------------------------------------

    def instances(self, *classes: URIRef) -> list[URIRef]:
        found = {s for c in classes for s in self.graph.subjects(RDF.type, c) if isinstance(s, URIRef)}
        return sorted(found)

    def dutch(self, node: URIRef, *predicates: URIRef) -> list[str]:
        """The Dutch (or untagged) literal values of ``predicates`` on ``node``, sorted."""
        return sorted(
            str(o)
            for p in predicates
            for o in self.graph.objects(node, p)
            if isinstance(o, Literal) and o.language in (None, "nl")
        )

    def label(self, node: URIRef) -> str:
        """A Dutch label to show for ``node``: its preferred label or label, else the end of its IRI."""
        labels = self.dutch(node, SKOS.prefLabel) or self.dutch(node, RDFS.label)
        return labels[0] if labels else str(node).rstrip("/").rsplit("/", 1)[-1]


def _compact(name: str) -> str:
    """Only the letters and digits, ``&`` read as *en*: ``Werk&Mantelzorg`` -> ``werkenmantelzorg``."""
    return "".join("en" if w.norm == "&" else w.norm for w in words(name))
