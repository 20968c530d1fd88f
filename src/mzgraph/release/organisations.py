"""Reading the employers of a release from a store (streamed), numbering them in name order, and their sort orders.

An employer is an instance of ``mz:Employer`` or one of its subclasses. Its id is its position in name order
(the casefolded label in the primary language, then the IRI), so the name order needs no array of its own.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyoxigraph as ox
from pyroaring import BitMap

from mzgraph.progress import Reporter
from mzgraph.release import queries
from mzgraph.release.model import Item, Match
from mzgraph.store import Store

LANGUAGES = ("nl", "en")
"""The languages with a name order of their own; the first is the primary one (ids follow its name order)."""


@dataclass
class Employers:
    """Every employer of a release, by id, and who has which facet value."""

    iris: list[str]
    labels: list[dict[str, str]]
    types: list[str]
    recognised: list[str | None]
    ambassador_since: list[str | None]
    ambassadors: BitMap
    measures: np.ndarray
    groups: dict[str, np.ndarray]
    """Measure group IRI -> number of the group's measures of each employer."""
    provinces: list[tuple[str, ...]]
    sets: dict[str, dict[str, BitMap]] = field(default_factory=dict)
    """Kind (``category``, ``partner``, ``province``, ``year``, ``ambassador``, ``concept``) -> value -> employers."""
    partners_of: dict[int, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.iris)

    def year(self, i: int) -> int | None:
        return year_of(self.recognised[i])

    def name(self, i: int, lang: str) -> str:
        """The employer's name in ``lang`` (else the primary language, else any, else the IRI's last segment)."""
        return pick(self.labels[i], (lang, LANGUAGES[0])) or local_name(self.iris[i])


def pick(labels: dict[str, str], langs: Sequence[str]) -> str | None:
    """The label in the first of ``langs`` there is one in; else the one without language; else any."""
    for lang in (*langs, ""):
        if lang in labels:
            return labels[lang]
    return labels[min(labels)] if labels else None


def local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def year_of(recognised: str | None) -> int | None:
    """The year of a recognition date's lexical form (None for one without a year, such as ``--12-25``)."""
    if recognised and len(recognised) >= 4 and recognised[:4].isdigit():
        return int(recognised[:4])
    return None


def read_employers(store: Store, report: Reporter) -> Employers:
    """The employers in ``store`` with everything browse shows, filters and sorts by (a few streamed queries)."""
    types: dict[str, set[str]] = {}
    for org, kind in report.rows(store.stream_select(queries.EMPLOYERS), "employers"):
        if isinstance(org, ox.NamedNode) and isinstance(kind, ox.NamedNode):
            types.setdefault(org.value, set()).add(kind.value)
    found: dict[str, dict[str, list[str]]] = {iri: {} for iri in types}
    for org, label in report.rows(store.stream_select(queries.EMPLOYER_LABELS), "names"):
        if isinstance(org, ox.NamedNode) and isinstance(label, ox.Literal) and org.value in found:
            found[org.value].setdefault(label.language or "", []).append(label.value)
    labels = {iri: {lang: min(values) for lang, values in by_lang.items()} for iri, by_lang in found.items()}

    def order(iri: str) -> tuple[str, str]:
        return ((pick(labels[iri], LANGUAGES[:1]) or local_name(iri)).casefold(), iri)

    iris = sorted(types, key=order)
    id_of = {iri: i for i, iri in enumerate(iris)}
    n = len(iris)
    employers = Employers(
        iris=iris,
        labels=[labels[iri] for iri in iris],
        types=[_most_specific(types[iri]) for iri in iris],
        recognised=[None] * n,
        ambassador_since=[None] * n,
        ambassadors=BitMap(),
        measures=np.zeros(n, dtype=np.uint32),
        groups={},
        provinces=[()] * n,
    )
    _read_dates(store, report, employers, id_of)
    _read_counts(store, report, employers, id_of)
    _read_sets(store, report, employers, id_of)
    return employers


def _most_specific(types: set[str]) -> str:
    below = sorted(types - {queries.EMPLOYER})
    return below[0] if below else queries.EMPLOYER


def _ids(rows: Iterable[tuple[object, ...]], id_of: dict[str, int]) -> Iterable[tuple[int, tuple[object, ...]]]:
    """(employer id, rest of the row) for the rows whose first term is a known employer."""
    for row in rows:
        org = row[0]
        if isinstance(org, ox.NamedNode):
            i = id_of.get(org.value)
            if i is not None:
                yield i, row[1:]


def _count(term: object) -> int:
    """The value of a COUNT (always bound, an integer literal)."""
    assert isinstance(term, ox.Literal)
    return int(term.value)


def _read_dates(store: Store, report: Reporter, employers: Employers, id_of: dict[str, int]) -> None:
    for i, (date,) in _ids(report.rows(store.stream_select(queries.RECOGNITIONS), "recognitions"), id_of):
        if isinstance(date, ox.Literal):
            current = employers.recognised[i]
            employers.recognised[i] = date.value if current is None else min(current, date.value)
    for i, (since,) in _ids(report.rows(store.stream_select(queries.AMBASSADORS), "ambassador roles"), id_of):
        employers.ambassadors.add(i)
        if isinstance(since, ox.Literal):
            current = employers.ambassador_since[i]
            employers.ambassador_since[i] = since.value if current is None else min(current, since.value)


def _read_counts(store: Store, report: Reporter, employers: Employers, id_of: dict[str, int]) -> None:
    for i, (count,) in _ids(report.rows(store.stream_select(queries.MEASURE_COUNTS), "measures"), id_of):
        employers.measures[i] = _count(count)
    for i, (group, count) in _ids(report.rows(store.stream_select(queries.GROUP_COUNTS), "measure groups"), id_of):
        if isinstance(group, ox.NamedNode):
            if group.value not in employers.groups:
                employers.groups[group.value] = np.zeros(employers.count, dtype=np.uint32)
            employers.groups[group.value][i] = _count(count)


def _read_sets(store: Store, report: Reporter, employers: Employers, id_of: dict[str, int]) -> None:
    """Facet membership (and the concepts each employer uses), as bitmaps; categories and concepts closed
    under ``skos:broader`` (an employer using calamity leave uses leave)."""
    broader: dict[str, set[str]] = {}
    for concept, parent in store.stream_select(queries.BROADER):
        if isinstance(concept, ox.NamedNode) and isinstance(parent, ox.NamedNode):
            broader.setdefault(concept.value, set()).add(parent.value)
    sources = {
        "category": queries.CATEGORIES,
        "partner": queries.PARTNERS,
        "province": queries.PROVINCES,
        "concept": queries.CONCEPTS_USED,
    }
    for kind, text in sources.items():
        members: dict[str, array[int]] = {}
        for i, (value,) in _ids(report.rows(store.stream_select(text), f"{kind} values"), id_of):
            if isinstance(value, ox.NamedNode):
                members.setdefault(value.value, array("I")).append(i)
                if kind == "partner":
                    employers.partners_of.setdefault(i, []).append(value.value)
                elif kind == "province":
                    employers.provinces[i] = (*employers.provinces[i], value.value)
        sets = {value: BitMap(ids) for value, ids in members.items()}
        employers.sets[kind] = _closed(sets, broader) if kind in ("category", "concept") else sets
    years: dict[str, array[int]] = {}
    for i, recognised in enumerate(employers.recognised):
        year = year_of(recognised)
        if year is not None:
            years.setdefault(str(year), array("I")).append(i)
    employers.sets["year"] = {year: BitMap(ids) for year, ids in years.items()}
    employers.sets["ambassador"] = {"yes": employers.ambassadors}


def _closed(sets: dict[str, BitMap], broader: dict[str, set[str]]) -> dict[str, BitMap]:
    """``sets`` with each concept's members added to every broader concept's (``skos:broader*``)."""
    closed = {value: BitMap(members) for value, members in sets.items()}
    for value, members in sets.items():
        seen: set[str] = set()
        todo = list(broader.get(value, ()))
        while todo:
            parent = todo.pop()
            if parent in seen or parent == value:
                continue
            seen.add(parent)
            closed.setdefault(parent, BitMap()).update(members)
            todo.extend(broader.get(parent, ()))
    return closed


def sort_orders(employers: Employers) -> dict[str, np.ndarray]:
    """The order arrays (ids in sort order, uint32) of every sort but the primary name ascending (the ids)."""
    n = employers.count
    ids = list(range(n))
    orders: dict[str, list[int]] = {}
    for lang in LANGUAGES:
        names = [employers.name(i, lang).casefold() for i in ids]
        by_iri = sorted(ids, key=lambda i: employers.iris[i])
        orders[f"name:{lang}:desc"] = sorted(by_iri, key=lambda i: names[i], reverse=True)
        if lang != LANGUAGES[0]:
            orders[f"name:{lang}:asc"] = sorted(by_iri, key=lambda i: names[i])
    keys: dict[str, list[object]] = {
        "recognised": list(employers.recognised),
        "measures": [int(m) for m in employers.measures],
    }
    for name, values in keys.items():
        known = [i for i in ids if values[i] is not None]
        unknown = [i for i in ids if values[i] is None]
        orders[f"{name}:asc"] = sorted(known, key=lambda i: values[i]) + unknown  # type: ignore[arg-type,return-value]
        orders[f"{name}:desc"] = sorted(known, key=lambda i: values[i], reverse=True) + unknown  # type: ignore[arg-type,return-value]
    return {name: np.asarray(order, dtype=np.uint32) for name, order in orders.items()}


def item_of(row: Sequence[object], langs: Sequence[str], matches: tuple[Match, ...], score: float | None) -> Item:
    """An employer of the list from its row of the index's ``organisations`` table."""
    i, iri, labels, kind, recognised, ambassador, since, measures, groups, provinces = row
    assert isinstance(iri, str) and isinstance(labels, str) and isinstance(groups, str) and isinstance(provinces, str)
    names = json.loads(labels)
    recognised_text = recognised if isinstance(recognised, str) else None
    return Item(
        id=int(i),  # type: ignore[call-overload]
        iri=iri,
        name=pick(names, langs) or local_name(iri),
        labels=names,
        type=str(kind),
        recognised=recognised_text,
        recognised_key=recognised_text,
        year=year_of(recognised_text),
        ambassador=bool(ambassador),
        ambassador_since=since if isinstance(since, str) else None,
        measures=int(measures),  # type: ignore[call-overload]
        groups=json.loads(groups),
        provinces=tuple(json.loads(provinces)),
        matches=matches,
        score=score,
    )
