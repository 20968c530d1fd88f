"""Synthetic graphs in mzgraph's own model, at any size, deterministic from a seed.

Distributions come from the bundled data: each synthetic employer copies 4 to 10 measures (texts,
groups, categories, partners) of a randomly drawn real profile, draws partner relations and roles from
the real ones, a recognition date between 2008 and 2024, an ambassador role for about a third, a place
and figures of the real kinds: 60 to 90 triples an employer. The output passes the bundled shapes.

    python -m benchmarks.generate --organisations 10000 --out /tmp/mz-10k.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from mzgraph.bundled import bundled_graph_files
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.rdf.reading import read_files

MZ = DEFAULT_BASE_IRI + "def/"
ID = DEFAULT_BASE_IRI + "id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT_SOURCE = "http://purl.org/dc/terms/source"
SCHEMA = "https://schema.org/"
PLACES = ["haarlem", "enschede", "amersfoort", "emmen", "twente"]


@dataclass(frozen=True)
class MeasureTemplate:
    group: str
    text: str
    categories: tuple[str, ...]
    partners: tuple[str, ...]


@dataclass(frozen=True)
class Templates:
    """What the synthetic graph draws from: the real profiles' measures and partner relations."""

    measures_by_profile: dict[str, list[MeasureTemplate]]
    relations: list[tuple[str, str]]
    quantity_kinds: list[str]


def load_templates() -> Templates:
    """Read the bundled graph and collect the measures and partner relations to draw from."""
    store = ox.Store()
    store.extend(read_files(bundled_graph_files()))
    measures: dict[str, dict[str, dict[str, object]]] = {}
    query = f"""
        SELECT ?org ?m ?group ?text ?cat ?partner WHERE {{
            ?org <{MZ}measure> ?m . ?m <{MZ}measureGroup> ?group ; <{MZ}text> ?text ; <{MZ}category> ?cat .
            OPTIONAL {{ ?m <{MZ}involvesPartner> ?partner }}
        }} ORDER BY ?org ?m ?cat ?partner"""
    for row in store.query(query):
        by_measure = measures.setdefault(row["org"].value, {})
        entry = by_measure.setdefault(
            row["m"].value, {"group": row["group"].value, "text": row["text"].value, "cats": [], "partners": []}
        )
        for key, value in (("cats", row["cat"]), ("partners", row["partner"])):
            if value is not None and value.value not in entry[key]:
                entry[key].append(value.value)
    measures_by_profile = {
        org: [
            MeasureTemplate(e["group"], e["text"], tuple(e["cats"]), tuple(e["partners"]))  # type: ignore[arg-type]
            for e in by_measure.values()
        ]
        for org, by_measure in sorted(measures.items())
    }
    relations = [
        (row["p"].value, row["r"].value)
        for row in store.query(f"SELECT ?p ?r WHERE {{ ?x <{MZ}partner> ?p ; <{MZ}partnerRole> ?r }} ORDER BY ?p ?r")
    ]
    kinds_query = f"SELECT DISTINCT ?k WHERE {{ ?f <{MZ}quantityKind> ?k }} ORDER BY ?k"
    kinds = [row["k"].value for row in store.query(kinds_query)]
    return Templates(measures_by_profile, relations, kinds)


def _lit(text: str, lang: str = "nl") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def _int(value: int) -> str:
    return _typed(str(value), "integer")


def organisation_triples(index: int, rng: random.Random, templates: Templates) -> Iterator[str]:
    """The N-Triples lines of one synthetic employer and everything it owns."""
    slug = f"synthetic-{index:07d}"
    org, src = f"<{ID}organisation/{slug}>", f"<{ID}source/{slug}>"
    rec = f"<{ID}recognition/{slug}>"
    profile = rng.choice(sorted(templates.measures_by_profile))
    yield f"{org} <{RDF_TYPE}> <{MZ}Municipality> ."
    yield f"{org} <{RDFS_LABEL}> {_lit(f'Gemeente Synthetisch {index}')} ."
    yield f"{org} <{RDFS_LABEL}> {_lit(f'Synthetic municipality {index}', 'en')} ."
    yield f"{org} <{SCHEMA}location> <{ID}place/{rng.choice(PLACES)}> ."
    yield f"{org} <http://www.w3.org/ns/prov#wasDerivedFrom> {src} ."
    yield f"{src} <{RDF_TYPE}> <{MZ}SourceDocument> ."
    yield f"{src} <http://purl.org/dc/terms/title> {_lit(f'Synthetisch profiel {index}')} ."
    yield f'{src} <{MZ}fileName> "{slug}.txt" .'
    yield f"{src} <http://purl.org/dc/terms/publisher> <{ID}partner/werk-en-mantelzorg> ."
    yield f'{src} <{MZ}sha256> "{rng.getrandbits(256):064x}" .'
    year = rng.randint(2008, 2024)
    yield f"{org} <{MZ}recognition> {rec} ."
    yield f"{rec} <{RDF_TYPE}> <{MZ}Recognition> ."
    yield f"{rec} <{MZ}recognitionDate> {_typed(f'{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}', 'date')} ."
    yield f"{rec} <{MZ}awardedBy> <{ID}partner/werk-en-mantelzorg> ."
    yield f"{rec} <{DCT_SOURCE}> {src} ."
    yield f"{rec} <{MZ}sourceLine> {_int(5)} ."
    if rng.random() < 0.35:
        amb = f"<{ID}ambassador-role/{slug}>"
        yield f"{org} <{MZ}ambassadorRole> {amb} ."
        yield f"{amb} <{RDF_TYPE}> <{MZ}AmbassadorRole> ."
        since = f"{rng.randint(2008, year)}-{rng.randint(1, 12):02d}"
        yield f"{amb} <{MZ}ambassadorSince> {_typed(since, 'gYearMonth')} ."
        yield f"{amb} <{DCT_SOURCE}> {src} ."
        yield f"{amb} <{MZ}sourceLine> {_int(4)} ."
    counters: dict[str, int] = {}
    pool = templates.measures_by_profile[profile]
    # A sample of the profile's measures, in source order, so sizes stay near 60-80 triples an employer.
    chosen = sorted(rng.sample(range(len(pool)), k=rng.randint(min(4, len(pool)), min(10, len(pool)))))
    for line, template in enumerate((pool[i] for i in chosen), start=10):
        short = template.group.rsplit("/", 1)[1].replace("tailored-solutions", "tailored")
        counters[short] = counters.get(short, 0) + 1
        m = f"<{ID}measure/{slug}/{short}-{counters[short]}>"
        yield f"{org} <{MZ}measure> {m} ."
        yield f"{m} <{RDF_TYPE}> <{MZ}Measure> ."
        yield f"{m} <{MZ}measureGroup> <{template.group}> ."
        yield from (f"{m} <{MZ}category> <{c}> ." for c in template.categories)
        yield from (f"{m} <{MZ}involvesPartner> <{p}> ." for p in template.partners)
        yield f"{m} <{MZ}text> {_lit(template.text)} ."
        yield f"{m} <{MZ}sourceSection> {_lit(f'Sectie {short}')} ."
        yield f"{m} <{MZ}order> {_int(counters[short])} ."
        yield f"{m} <{DCT_SOURCE}> {src} ."
        yield f"{m} <{MZ}sourceLine> {_int(line)} ."
    for kind in rng.sample(templates.quantity_kinds, k=min(2, len(templates.quantity_kinds))):
        f = f"<{ID}figure/{slug}/{kind.rsplit('/', 1)[1]}>"
        yield f"{org} <{MZ}figure> {f} ."
        yield f"{f} <{RDF_TYPE}> <{MZ}Figure> ."
        yield f"{f} <{MZ}quantityKind> <{kind}> ."
        yield f"{f} <{SCHEMA}value> {_int(rng.randint(10, 200_000))} ."
        yield f"{f} <{MZ}approximation> <{ID}approximation/{rng.choice(['exact', 'more-than', 'approximately'])}> ."
        yield f"{f} <{MZ}quote> {_lit('synthetisch kengetal')} ."
        yield f"{f} <{DCT_SOURCE}> {src} ."
        yield f"{f} <{MZ}sourceLine> {_int(7)} ."
    for partner, role in rng.sample(templates.relations, k=rng.randint(1, 3)):
        rel = f"<{ID}partner-relation/{slug}/{partner.rsplit('/', 1)[1]}--{role.rsplit('/', 1)[1]}>"
        yield f"{rel} <{RDF_TYPE}> <{MZ}PartnerRelation> ."
        yield f"{rel} <{MZ}organisation> {org} ."
        yield f"{rel} <{MZ}partner> <{partner}> ."
        yield f"{rel} <{MZ}partnerRole> <{role}> ."
        yield f"{rel} <{MZ}quote> {_lit('synthetische relatie')} ."
        yield f"{rel} <{DCT_SOURCE}> {src} ."
        yield f"{rel} <{MZ}sourceLine> {_int(20)} ."


def write_graph(out: TextIO, organisations: int, seed: int = 42, *, with_shared: bool = True) -> int:
    """Write a synthetic graph as N-Triples; with_shared adds the bundled ontology, partners and places."""
    templates = load_templates()
    rng = random.Random(seed)
    count = 0
    if with_shared:
        for quad in read_files(bundled_graph_files()):
            out.write(f"{quad.subject} {quad.predicate} {quad.object} .\n")
            count += 1
    for index in range(organisations):
        for line in organisation_triples(index, rng, templates):
            out.write(line + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="N-Triples file to write")
    parser.add_argument("--no-shared", action="store_true", help="only the synthetic employers")
    args = parser.parse_args(argv)
    with args.out.open("w", encoding="utf-8") as out:
        count = write_graph(out, args.organisations, args.seed, with_shared=not args.no_shared)
    print(f"wrote {count:,} triples for {args.organisations:,} organisations to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
