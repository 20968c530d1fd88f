"""The smallest building blocks of the pages, written in Python: a link, a list of links, a list of tags.

A page shows hundreds of these (an organisation page about a thousand), and a Jinja macro call costs several
times what these functions cost, so they are template globals instead of macros. Their output is what the
macros wrote, character for character; every string from the data is escaped as autoescaping would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from jinja2 import Environment
from markupsafe import Markup, escape


class Linked(Protocol):
    """What a link shows: a resource's IRI and its label (:class:`mzgraph.entities.values.Link` and the like)."""

    @property
    def iri(self) -> Any: ...

    @property
    def label(self) -> Any: ...


Href = Callable[[Any], str | None]


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


def install(env: Environment, href: Href) -> None:
    """Make ``link``, ``links`` and ``tags`` template globals that resolve IRIs with ``href``."""
    env.globals["link"] = lambda item: link(item, href)
    env.globals["links"] = lambda items, sep=", ": links(items, href, sep)
    env.globals["tags"] = lambda items, cls="tag": tags(items, href, cls)
