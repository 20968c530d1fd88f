"""The pages' own words in English and Dutch, from gettext catalogs. Data labels come from the graph.

The catalogs are ``locale/{en,nl}/LC_MESSAGES/mzgraph.po``, made from the template ``locale/mzgraph.pot``
that ``pybabel extract`` writes from the templates and the Python code of this package (``babel.cfg``;
``docs/i18n.md`` has the commands).

A message's id is its English text, not a key. That is what gettext and the tools translators use expect: a
translator sees the English sentence beside the Dutch one; a new sentence in a template is found by
``pybabel extract`` with nothing else to write; and when the English wording changes, ``pybabel update``
marks the Dutch translation fuzzy, so it is looked at again, where a stable key would keep a translation of
what the sentence used to say. English is the source language: its catalog repeats the ids, so both
languages are checked the same way and English has its plural forms written out.

Messages are plain text, never HTML: a page escapes them like any other value, and markup inside a sentence
comes in through a placeholder. Placeholders are Python's ``%(name)s``; in a plural message the count is
``%(num)s`` (Jinja's ``ngettext`` fills it in).

The PO files are read with Babel and compiled in memory the first time a language is asked for; no compiled
``.mo`` file is kept in the repository or made when the wheel is built.
"""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "mzgraph"
SOURCE_LANGUAGE = "en"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
"""A named placeholder, the only kind the messages use."""


def locale_dir() -> Path:
    """The folder of the catalogs: ``{lang}/LC_MESSAGES/mzgraph.po`` and the template ``mzgraph.pot``."""
    return Path(__file__).with_name("locale")


def catalog_languages(folder: Path | None = None) -> tuple[str, ...]:
    """The languages that have a catalog in ``folder`` (by default the package's), sorted."""
    found = (folder or locale_dir()).glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    return tuple(sorted(path.parents[1].name for path in found))


def read_catalog(lang: str, folder: Path | None = None) -> Catalog:
    """The PO catalog of ``lang`` in ``folder`` (by default the package's), obsolete entries left out."""
    path = (folder or locale_dir()) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN, ignore_obsolete=True)


@cache
def translations(lang: str, folder: Path | None = None) -> Translations:
    """The messages in ``lang``, from the catalogs in ``folder`` (by default the package's).

    A language without a catalog gets English. A message without a translation, with a fuzzy one, with an
    empty plural form or with a text its placeholders do not fill is shown in English: a broken translation is
    for the catalog tests to find, not for the reader to see as an error.
    """
    if lang not in catalog_languages(folder):
        lang = SOURCE_LANGUAGE
    catalog = read_catalog(lang, folder)
    for message in catalog:
        if message.id and not _usable(message):
            message.flags.add("fuzzy")  # left out below, like any fuzzy translation
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    compiled = Translations(mo, domain=DOMAIN)
    if lang != SOURCE_LANGUAGE:
        compiled.add_fallback(translations(SOURCE_LANGUAGE, folder))
    return compiled


def _usable(message: Message) -> bool:
    """Whether every form of the translation has a text that the id's placeholders format (as pages do)."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    if message.string is None:
        return False
    texts = [message.string] if isinstance(message.string, str) else list(message.string)
    values = dict.fromkeys((name for text in ids for name in PLACEHOLDER.findall(text)), "")
    try:
        [text % values for text in texts]
    except (KeyError, ValueError, TypeError):
        return False
    return all(texts)


def N_(message: str) -> str:
    """Marks ``message`` for ``pybabel extract`` (which knows this name) where it is written; it is translated
    where it is shown."""
    return message
