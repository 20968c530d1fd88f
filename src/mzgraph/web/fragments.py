"""The smallest building blocks of the pages, written in Python: a link, a list of links, a list of tags, the card
of a passage, an anchor.

A page shows hundreds of these (an organisation page about a thousand links and dozens of cards), and a Jinja
macro call costs several times what these functions cost, so they are template globals instead of macros. Their
output is what the macros wrote, character for character; every string from the data is escaped as
autoescaping would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, Protocol

from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

from mzgraph.entities.labels import local_name
from mzgraph.entities.organisation import Passage


class Linked(Protocol):
    """What a link shows: a resource's IRI and its label (:class:`mzgraph.entities.values.Link` and the like)."""

    @property
    def iri(self) -> Any: ...

    @property
    def label(self) -> Any: ...


Href = Callable[[Any], str | None]
Say = Callable[..., str]
"""A message in the page's language, placeholders filled from keyword arguments (the templates' ``_``)."""


def link(item: Linked, href: Href) -> Markup:
    """``<a href="...">label</a>``, or the label alone when the IRI has no page here."""
    target = href(item.iri)
    label = escape(item.label)
    return Markup(f'<a href="{escape(target)}">{label}</a>') if target else label


def links(items: Iterable[Linked], href: Href, sep: str = ", ") -> Markup:
    """The links, separated by ``sep``."""
    return escape(sep).join(link(item, href) for item in items)


def tags(items: Iterable[Linked], href: Href, cls: str = "tag") -> Markup:
    """A ``<ul class="tags">`` of links (or plain labels) styled as ``cls``; nothing for no items."""
    css = escape(cls)
    parts = []
    for item in items:
        target, label = href(item.iri), escape(item.label)
        if target:
            parts.append(f'<li><a class="{css}" href="{escape(target)}">{label}</a></li>')
        else:
            parts.append(f'<li><span class="{css}">{label}</span></li>')
    return Markup(f'<ul class="tags">{"".join(parts)}</ul>') if parts else Markup("")


def anchor(iri: str) -> str:
    """A fragment identifier made from an IRI's path (letters, digits and dashes only)."""
    tail = iri.split("/id/", 1)[-1] if "/id/" in iri else local_name(iri)
    return re.sub(r"[^A-Za-z0-9]+", "-", tail).strip("-") or "x"


def passage_card(p: Passage, href: Href, _: Say) -> Markup:
    """A measure's card: its text verbatim, its types, what it involves, and its line in the source.

    ``_`` translates, and is named so that ``pybabel extract`` finds the messages."""
    flag = ""
    if p.truncated:
        title, cut = _("The source text itself ends here; it is kept verbatim."), _("cut off in the source")
        flag = f' <span class="flag" title="{title}">{cut}</span>'
    also = ""
    if p.partners or p.events or p.regulations:
        with_ = _("With")  # messages are extracted from calls outside f-strings only
        parts = [f"{with_} {links(p.partners, href)}"] if p.partners else []
        parts += [links(items, href) for items in (p.events, p.regulations) if items]
        also = f'\n  <p class="also">{" · ".join(parts)}</p>'
    source_section = _("Section of the source")
    section = f' title="{source_section}: {escape(p.section)}"' if p.section else ""
    where = _("line %(line)s", line=p.line) if p.line else _("permalink")
    return Markup(
        f'<article class="card" id="{escape(anchor(p.iri))}">\n'
        f'  <p class="text">{escape(p.text)}{flag}</p>\n'
        f"  {tags(p.categories, href)}{also}\n"
        f'  <p class="meta"><a href="{escape(href(p.iri))}"{section}>{where}</a></p>\n'
        "</article>"
    )


def install(env: Environment, href: Href, gettext: Callable[..., str]) -> None:
    """Make ``link``, ``links``, ``tags`` and ``passage_card`` template globals that resolve IRIs with ``href``
    (the card's words in the page's language, by the context function ``gettext``), and ``anchor`` a filter."""
    env.globals["link"] = lambda item: link(item, href)
    env.globals["links"] = lambda items, sep=", ": links(items, href, sep)
    env.globals["tags"] = lambda items, cls="tag": tags(items, href, cls)
    env.globals["passage_card"] = pass_context(lambda context, p: passage_card(p, href, partial(gettext, context)))
    env.filters["anchor"] = anchor
