"""JSON-LD 1.1 compaction with one fixed context, as pyLD does it, for documents the service builds itself.

A :class:`Compactor` holds the context's term definitions and its inverse context, and compacts expanded
node objects: term selection (containers, type and language preferences, reverse properties), value
compaction, language maps and property-based index maps (``@index`` with a property), compact IRIs. Lists,
graphs, ``@nest``, scoped contexts and base-relative IRIs are not covered: the v1 context uses none of them.
See :mod:`mzgraph.entities.framed`, which frames a description and compacts it with this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

JsonObject = dict[str, Any]

_GEN_DELIMS = tuple(":/?#[]@")

_NODE_CONTAINERS: tuple[str, ...] = ("@id", "@id@set", "@type", "@set@type", "@set", "@none", "@index", "@index@set")
_LANGUAGE_CONTAINERS: tuple[str, ...] = ("@language", "@language@set", "@set", "@none", "@index", "@index@set")
_TYPED_CONTAINERS: tuple[str, ...] = ("@set", "@none", "@index", "@index@set")
_PLAIN_CONTAINERS: tuple[str, ...] = ("@set", "@none", "@index", "@index@set", "@language", "@language@set")
_BARE_CONTAINERS: tuple[str, ...] = ("@set", "@none")


@dataclass(frozen=True)
class _Term:
    name: str
    iri: str
    reverse: bool
    container: frozenset[str]
    type: str | None
    index: str | None
    prefix: bool


class _Context:
    """The v1 context as term definitions, with the inverse context compaction selects terms from."""

    def __init__(self, document: JsonObject) -> None:
        raw: JsonObject = document["@context"]
        self.terms: dict[str, _Term] = {}
        for name, value in raw.items():
            if name.startswith("@"):
                continue
            self.terms[name] = self._define(name, value, raw)
        self.inverse: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
        for term in sorted(self.terms.values(), key=lambda t: (len(t.name), t.name)):
            container = "".join(sorted(term.container)) or "@none"
            entry = self.inverse.setdefault(term.iri, {}).setdefault(container, {"@language": {}, "@type": {}})
            if term.reverse:
                entry["@type"].setdefault("@reverse", term.name)
            elif term.type is not None:
                entry["@type"].setdefault(term.type, term.name)
            else:
                entry["@language"].setdefault("@none", term.name)
                entry["@type"].setdefault("@none", term.name)
        self.prefixes = [(t.name, t.iri) for t in self.terms.values() if t.prefix and ":" not in t.name]

    def _define(self, name: str, value: Any, raw: JsonObject) -> _Term:
        if isinstance(value, str):
            iri = self._expand(value, raw)
            return _Term(name, iri, False, frozenset(), None, None, value.endswith(_GEN_DELIMS) and iri == value)
        container = value.get("@container", [])
        containers = frozenset([container] if isinstance(container, str) else container)
        kind = value.get("@type")
        return _Term(
            name,
            self._expand(value.get("@reverse") or value["@id"], raw),
            "@reverse" in value,
            containers,
            None if kind is None else self._expand(kind, raw),
            value.get("@index"),
            False,
        )

    @staticmethod
    def _expand(value: str, raw: JsonObject) -> str:
        if value.startswith("@"):
            return value
        prefix, colon, rest = value.partition(":")
        target = raw.get(prefix) if colon and not rest.startswith("//") else None
        return target + rest if isinstance(target, str) else value


@cache
def compactor(context_text: str) -> Compactor:
    """The compactor of a context document (``{"@context": {...}}``), made once per document."""
    return Compactor(_Context(json.loads(context_text)))


Memo = dict[int, JsonObject | None]
"""Compacted leaves of one document, by the identity of their framed node (None until compacted)."""

_UNSEEN = object()
_KEPT = 50_000
"""Choices a compactor keeps before it starts over (bounded memory whatever the data)."""


class Compactor:
    """JSON-LD 1.1 compaction of framed nodes with one context; term choices are cached per context."""

    def __init__(self, context: _Context) -> None:
        self.context = context
        self.terms = context.terms
        self._selected: dict[tuple[str, str, str, bool, bool], str | None] = {}
        self._curies: dict[tuple[str, bool], str | None] = {}
        # IRIs that compact to a term of their own (the measure groups): a node value with one of them as its
        # @id prefers a vocabulary-typed term (``group``)
        self._term_iris = frozenset(t.iri for t in self.terms.values() if self._names_itself(t.iri))

    def _names_itself(self, iri: str) -> bool:
        term = self.terms.get(self.iri(iri, vocab=True))
        return term is not None and term.iri == iri

    def select(self, iri: str, kind: str, detail: str, reverse: bool, id_is_term: bool) -> str | None:
        """The term for ``iri`` and a value of ``kind`` (term selection over the inverse context)."""
        key = (iri, kind, detail, reverse, id_is_term)
        found = self._selected.get(key, _UNSEEN)
        if found is _UNSEEN:
            if len(self._selected) > _KEPT:
                self._selected.clear()
            found = self._selected[key] = _select(self.context.inverse.get(iri), kind, detail, reverse, id_is_term)
        return found  # type: ignore[return-value]

    def curie(self, iri: str, bare: bool) -> str | None:
        """The shortest compact IRI of ``iri`` (``bare``: compacted with no value)."""
        key = (iri, bare)
        if key not in self._curies:
            if len(self._curies) > _KEPT:  # entity IRIs are many: keep the choices of the recent ones
                self._curies.clear()
            candidate: str | None = None
            for name, prefix in self.context.prefixes:
                if prefix == iri or not iri.startswith(prefix):
                    continue
                curie = f"{name}:{iri[len(prefix) :]}"
                defined = self.terms.get(curie)
                if (defined is None or (bare and defined.iri == iri)) and (
                    candidate is None or (len(curie), curie) < (len(candidate), candidate)
                ):
                    candidate = curie
            self._curies[key] = candidate
        return self._curies[key]

    def iri(self, iri: str, value: Any = None, *, vocab: bool, reverse: bool = False) -> str:
        """``iri`` as a term (``vocab``), a compact IRI, or itself."""
        if vocab:
            term = self.select(iri, *_kind(value), reverse, self.id_is_term(value))
            if term is not None:
                return term
        return self.curie(iri, value is None) or iri

    def id_is_term(self, value: Any) -> bool:
        return isinstance(value, dict) and value.get("@id") in self._term_iris

    def node(self, element: JsonObject, memo: Memo, inside_reverse: bool = False) -> JsonObject:
        out: JsonObject = {}
        for key in sorted(element):
            value = element[key]
            if key == "@id":
                out["id"] = self.iri(value, vocab=False)
            elif key == "@type":
                out["type"] = [self.iri(t, vocab=True) for t in value]
            elif key == "@reverse":
                reversed_ = self.node(value, memo, inside_reverse=True)
                for name in list(reversed_):
                    term = self.terms.get(name)
                    if term is not None and term.reverse:
                        _add(out, name, reversed_.pop(name), "@set" in term.container)
                if reversed_:
                    out["@reverse"] = reversed_
            else:
                self.property(out, key, value, inside_reverse, memo)
        return out

    def property(
        self,
        out: JsonObject,
        iri: str,
        values: list[JsonObject],
        inside_reverse: bool,
        memo: Memo,
    ) -> None:
        if not values:
            _add(out, self.iri(iri, [], vocab=True, reverse=inside_reverse), [], True)
            return
        for item in values:
            if "@value" not in item:
                term_name = self.select(iri, "node", "", inside_reverse, item.get("@id") in self._term_iris)
            elif "@language" in item:
                term_name = self.select(iri, "language", item["@language"], inside_reverse, False)
            elif "@type" in item:
                term_name = self.select(iri, "typed", item["@type"], inside_reverse, False)
            else:
                term_name = self.select(iri, "plain", "", inside_reverse, False)
            name = term_name if term_name is not None else (self.curie(iri, False) or iri)
            term = self.terms.get(name)
            container = term.container if term is not None else frozenset()
            compacted = self.item(term, item, memo)
            as_array = "@set" in container
            if "@language" in container:
                if isinstance(compacted, dict) and "@value" in compacted:
                    compacted = compacted["@value"]
                _add(out.setdefault(name, {}), item.get("@language") or "@none", compacted, as_array)
            elif "@index" in container:
                assert term is not None
                _add(out.setdefault(name, {}), self.index_key(term, item, compacted), compacted, as_array)
            else:
                _add(out, name, compacted, as_array)

    def index_key(self, term: _Term, item: JsonObject, compacted: Any) -> str:
        """The key of a property-based index map (``measures`` by ``group``), taken out of the compacted item."""
        index = self.terms.get(term.index or "")
        if index is None:
            return "@none"
        values = item.get(index.iri, [])
        key_name = self.iri(index.iri, values[0] if values else None, vocab=True)
        indexes = compacted.get(key_name, []) if isinstance(compacted, dict) else []
        indexes = indexes if isinstance(indexes, list) else [indexes]
        if not indexes or not isinstance(indexes[0], str):
            return "@none"
        key, rest = indexes[0], indexes[1:]
        if not rest:
            del compacted[key_name]
        else:
            compacted[key_name] = rest[0] if len(rest) == 1 else rest
        return key

    def item(self, term: _Term | None, item: JsonObject, memo: Memo) -> Any:
        if "@value" in item:
            return self.value(term, item)
        if len(item) == 1:  # a reference
            kind = term.type if term is not None else None
            compacted = self.iri(item["@id"], vocab=kind == "@vocab")
            return compacted if kind in ("@id", "@vocab") else {"id": compacted}
        key = id(item)
        if key not in memo:  # not a leaf
            return self.node(item, memo)
        found = memo[key]  # a leaf: the framer hands out the same object wherever it is embedded
        if found is None:
            found = memo[key] = self.node(item, memo)
        return found

    def value(self, term: _Term | None, value: JsonObject) -> Any:
        kind = term.type if term is not None else None
        if "@type" in value and value["@type"] == kind:
            return value["@value"]
        if len(value) == 1:
            return value["@value"]
        out: JsonObject = {}
        if "@type" in value:
            out["type"] = self.iri(value["@type"], vocab=True)
        elif "@language" in value:
            out["@language"] = value["@language"]
        out["@value"] = value["@value"]
        return out


def _select(
    entry: dict[str, dict[str, dict[str, str]]] | None, kind: str, detail: str, reverse: bool, id_is_term: bool
) -> str | None:
    if entry is None:
        return None
    if kind == "none":  # no value: an IRI compacted on its own (a type, a vocabulary-relative value)
        containers, which, prefs = _BARE_CONTAINERS, "@type", ["@id", "@none"]
    elif kind == "empty":
        containers, which = _BARE_CONTAINERS, "@type"
        prefs = ["@reverse", "@none"] if reverse else ["@id", "@none"]
    elif kind == "node":
        containers, which = _NODE_CONTAINERS, "@type"
        prefs = ["@reverse"] if reverse else []
        prefs += ["@vocab", "@id", "@none"] if id_is_term else ["@id", "@vocab", "@none"]
    elif kind == "language":
        containers, which, prefs = _LANGUAGE_CONTAINERS, "@language", [detail, "@none"]
    elif kind == "typed":
        containers, which, prefs = _TYPED_CONTAINERS, "@type", [detail, "@none"]
    else:
        containers, which, prefs = _PLAIN_CONTAINERS, "@language", ["@null", "@none"]
    for container in containers:
        found = entry.get(container)
        if found is None:
            continue
        for pref in prefs:
            if pref in found[which]:
                return found[which][pref]
    return None


def _kind(value: Any) -> tuple[str, str]:
    if value is None:
        return "none", ""
    if isinstance(value, list):
        return "empty", ""
    if "@value" not in value:
        return "node", ""
    if "@language" in value:
        return "language", value["@language"]
    if "@type" in value:
        return "typed", value["@type"]
    return "plain", ""


def _add(target: JsonObject, key: str, value: Any, as_array: bool) -> None:
    """pyLD's ``add_value``: a list when it is a set or holds more than one value."""
    values = value if isinstance(value, list) else [value]
    if key not in target:
        target[key] = list(values) if as_array or len(values) != 1 else values[0]
        return
    if not isinstance(target[key], list):
        target[key] = [target[key]]
    target[key].extend(values)
