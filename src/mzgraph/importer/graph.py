""":class:`~mzgraph.importer.profile.ImportedProfile` -> RDF: the published graph and the private one.

The triples mirror the curated files in ``data/organisations/``: the organisation with its recognition
and ambassador role, one node per measure, statement, figure and partner relation, and the source
document. Every text is verbatim, with ``mz:sourceLine`` (and ``mz:sourceSection`` under a heading).
Contact persons go to a separate graph that is never published. Nothing depends on the time of the
import, so the same text always gives the same triples.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from mzgraph.importer.figures import FigureFact
from mzgraph.importer.iris import local_name
from mzgraph.importer.mentions import Mentions, RoleClaim
from mzgraph.importer.model import Contact
from mzgraph.importer.profile import ImportedEntry, ImportedProfile, Review
from mzgraph.importer.vocabulary import PARTNER_ROLE, STATEMENT_KIND, Vocabulary
from mzgraph.rdf.namespaces import MZ, SCHEMA


def public_graph(profile: ImportedProfile, vocabulary: Vocabulary) -> Graph:
    """The graph to publish for ``profile``."""
    return GraphBuilder(profile, vocabulary).public()


def private_graph(profile: ImportedProfile, vocabulary: Vocabulary) -> Graph:
    """The contact persons of ``profile``, for the private output only."""
    return GraphBuilder(profile, vocabulary).private()


def nl(text: str) -> Literal:
    return Literal(text, lang="nl")


class GraphBuilder:
    """Builds the graphs of one imported profile."""

    def __init__(self, profile: ImportedProfile, vocabulary: Vocabulary) -> None:
        self.profile = profile
        self.vocabulary = vocabulary
        self.iris = profile.iris
        self.graph = Graph(bind_namespaces="none")

    def add(self, subject: URIRef, predicate: URIRef, obj: URIRef | Literal | None) -> None:
        if obj is not None:
            self.graph.add((subject, predicate, obj))

    def cite(self, node: URIRef, line: int, section: str | None = None) -> None:
        """Where ``node`` comes from: the source document, the line and the section heading."""
        self.add(node, DCTERMS.source, self.iris.source)
        self.add(node, MZ.sourceLine, Literal(line))
        if section is not None:
            self.add(node, MZ.sourceSection, nl(section))

    def public(self) -> Graph:
        """The graph to publish: everything but the contact persons."""
        self._organisation()
        self._source_document()
        self._recognition()
        self._ambassador_role()
        for entry in self.profile.entries:
            self._entry(entry)
        for relation in self.profile.relations:
            self._relation(relation)
        self._figures()
        return self.graph

    def _organisation(self) -> None:
        p, org = self.profile, self.iris.organisation
        self.add(org, RDF.type, p.employer_class)
        self.add(org, RDFS.label, nl(p.name))
        self.add(org, RDFS.label, Literal(english_name(p.name, p.employer_class), lang="en"))
        self.add(org, SCHEMA.location, p.place)
        for website in p.document.websites:
            self.add(org, SCHEMA.url, URIRef(website_iri(website.text)))
        self.add(org, MZ.recognition, self.iris.recognition)
        if p.ambassador_since is not None:
            self.add(org, MZ.ambassadorRole, self.iris.ambassador_role)
        for event in dict.fromkeys(e for entry in p.entries for e in entry.mentions.events):
            self.add(org, MZ.takesPartIn, event)
        self.add(org, PROV.wasDerivedFrom, self.iris.source)
        self.add(org, DCTERMS.source, self.iris.source)

    def _source_document(self) -> None:
        source, node = self.profile.source, self.iris.source
        publisher = self.vocabulary.awarding_body
        self.add(node, RDF.type, MZ.SourceDocument)
        self.add(node, DCTERMS.title, nl(f"{self.vocabulary.label(publisher)}-profiel: {self.profile.name}"))
        self.add(node, DCTERMS.publisher, publisher)
        self.add(node, DCTERMS.language, Literal("nl"))
        self.add(node, DCTERMS.format, Literal(f"text/plain; charset={source.charset}"))
        self.add(node, MZ.fileName, Literal(source.file_name))
        self.add(node, MZ.sha256, Literal(source.sha256))

    def _recognition(self) -> None:
        field, node = self.profile.document.recognised, self.iris.recognition
        assert field is not None  # interpret() refuses a profile without one
        self.add(node, RDF.type, MZ.Recognition)
        self.add(node, MZ.recognitionDate, date_literal(self.profile.recognised.lexical, XSD.date))
        self.add(node, MZ.awardedBy, self.vocabulary.awarding_body)
        advisors = [r.partner for r in self.profile.relations if r.role == PARTNER_ROLE.advisor]
        self.add(node, MZ.guidedBy, advisors[0] if advisors else None)
        self.add(node, MZ.quote, nl(field.text))
        self.cite(node, field.line)

    def _ambassador_role(self) -> None:
        field, since = self.profile.document.ambassador, self.profile.ambassador_since
        if field is None or since is None:
            return
        node = self.iris.ambassador_role
        self.add(node, RDF.type, MZ.AmbassadorRole)
        self.add(node, MZ.ambassadorSince, date_literal(since.lexical, since.datatype))
        for entry in self.profile.entries:
            if entry.entry.kind == STATEMENT_KIND["ambassador-activity"]:
                self.add(node, MZ.ambassadorActivity, self._entry_iri(entry))
                for agreement in entry.mentions.agreements:
                    self.add(node, MZ.agreement, agreement)
        self.add(node, MZ.quote, nl(field.text))
        self.cite(node, field.line)

    def _entry_iri(self, imported: ImportedEntry) -> URIRef:
        entry = imported.entry
        if entry.kind is None:
            assert entry.group is not None
            return self.iris.measure(entry.group, entry.order)
        return self.iris.statement(entry.kind, entry.order)

    def _entry(self, imported: ImportedEntry) -> None:
        entry, node = imported.entry, self._entry_iri(imported)
        org = self.iris.organisation
        if entry.is_measure:
            self.add(org, MZ.measure, node)
            self.add(node, RDF.type, MZ.Measure)
        else:
            self.add(org, MZ.statement, node)
            self.add(node, RDF.type, MZ.ProfileStatement)
            self.add(node, MZ.statementKind, entry.kind)
        self.add(node, MZ.measureGroup, entry.group)
        for category in imported.categories:
            self.add(node, MZ.category, category)
        self.add(node, MZ.text, nl(entry.passage.text))
        self.add(node, MZ.order, Literal(entry.order))
        self._mentions(node, imported.mentions)
        if imported.truncated:
            self.add(node, MZ.truncated, Literal(True))
            self.add(node, MZ.curationNote, nl("De tekst lijkt in de bron afgebroken; letterlijk overgenomen."))
        if imported.review is not None:
            self.add(node, MZ.needsReview, nl(review_note(imported.review, self.vocabulary)))
        self.cite(node, entry.passage.line, entry.heading)

    def _mentions(self, node: URIRef, mentions: Mentions) -> None:
        for partner in mentions.involved:
            self.add(node, MZ.involvesPartner, partner)
        for event in mentions.events:
            self.add(node, MZ.mentionsEvent, event)
        for regulation in mentions.regulations:
            self.add(node, MZ.regulation, regulation)

    def _relation(self, relation: RoleClaim) -> None:
        node = self.iris.partner_relation(relation.partner, relation.role)
        self.add(node, RDF.type, MZ.PartnerRelation)
        self.add(node, MZ.organisation, self.iris.organisation)
        self.add(node, MZ.partner, relation.partner)
        self.add(node, MZ.partnerRole, relation.role)
        if relation.date is not None:
            self.add(node, MZ.date, date_literal(relation.date.lexical, relation.date.datatype))
        self.add(node, MZ.quote, nl(relation.passage.text))
        self.cite(node, relation.passage.line)

    def _figures(self) -> None:
        by_kind: dict[URIRef, list[FigureFact]] = {}
        for figure in self.profile.figures:
            by_kind.setdefault(figure.quantity_kind, []).append(figure)
        for kind, figures in by_kind.items():
            numbered = len(figures) > 1
            nodes = [self.iris.figure(kind, n if numbered else None) for n in range(1, len(figures) + 1)]
            for figure, node in zip(figures, nodes, strict=True):
                self._figure(figure, node)
            self._conflicts(list(zip(figures, nodes, strict=True)))

    def _conflicts(self, figures: list[tuple[FigureFact, URIRef]]) -> None:
        """Figures that count the same thing of the same owner differently: keep all, link them, say so."""
        for figure, node in figures:
            rivals = [(f, n) for f, n in figures if f.owner == figure.owner and n != node]
            if not rivals:
                continue
            quotes = "; ".join(f.quote for f, _ in sorted([(figure, node), *rivals], key=lambda r: str(r[1])))
            label = self.vocabulary.label(figure.quantity_kind).lower()
            note = f"De bron noemt voor {label} verschillende getallen ({quotes}); alle zijn overgenomen."
            self.add(node, MZ.curationNote, nl(note))
            for _, other in rivals:
                self.add(node, MZ.conflictsWith, other)

    def _figure(self, figure: FigureFact, node: URIRef) -> None:
        self.add(figure.owner or self.iris.organisation, MZ.figure, node)
        self.add(node, RDF.type, MZ.Figure)
        self.add(node, MZ.quantityKind, figure.quantity_kind)
        datatype = XSD.decimal if isinstance(figure.value, Decimal) else XSD.integer
        self.add(node, SCHEMA.value, Literal(str(figure.value), datatype=datatype))
        self.add(node, MZ.approximation, figure.approximation)
        self.add(node, MZ.quote, nl(figure.quote))
        self.cite(node, figure.line)

    def private(self) -> Graph:
        """The contact persons (personal data): never part of the published graph."""
        for contact in self.profile.document.contacts:
            self._contact(contact)
        return self.graph

    def _contact(self, contact: Contact) -> None:
        node, org = self.iris.contact(contact.name), self.iris.organisation
        self.add(node, RDF.type, MZ.ContactPerson)
        self.add(node, SCHEMA.name, Literal(contact.name))
        if contact.honorific:
            self.add(node, SCHEMA.honorificPrefix, Literal(contact.honorific))
        if contact.job_title:
            self.add(node, SCHEMA.jobTitle, nl(contact.job_title))
        for email in contact.emails:
            self.add(node, SCHEMA.email, Literal(email))
        for phone in contact.phones:
            self.add(node, SCHEMA.telephone, Literal(phone))
        employer = next(filter(None, map(self.vocabulary.partner_for_email, contact.emails)), None)
        self.add(node, SCHEMA.worksFor, employer or org)
        self.add(node, MZ.contactFor, org)
        self.cite(node, contact.line)


def review_note(review: Review, vocabulary: Vocabulary) -> str:
    """What a person must decide about a measure's category, in Dutch as the other notes in the data."""

    def named(concept: URIRef) -> str:
        return f"{vocabulary.label(concept)} (mt:{local_name(concept)})"

    if review.guess is not None:
        head = f"Categorie geraden, want geen label paste: {named(review.guess)}."
    else:
        head = "Geen categorie: geen label paste en niets lijkt genoeg op de tekst om te raden."
    if review.nearest:
        return head + " Dichtstbij op label: " + ", ".join(map(named, review.nearest)) + "."
    return head + " Geen label komt in de buurt: misschien is een nieuw maatregeltype nodig."


def english_name(name: str, employer_class: URIRef) -> str:
    """``Gemeente Haarlem`` -> ``Municipality of Haarlem``; other names are names in English too."""
    first, _, rest = name.partition(" ")
    if employer_class == MZ.Municipality and first.casefold() == "gemeente" and rest:
        return f"Municipality of {rest}"
    return name


def website_iri(text: str) -> str:
    return text if text.lower().startswith(("http://", "https://")) else f"http://{text}"


def date_literal(lexical: str, datatype: URIRef) -> Literal:
    return Literal(lexical, datatype=datatype)
