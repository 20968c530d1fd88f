"""Keeps the pages' gettext catalogs in step with the code: ``python -m tools.catalogs`` from the repository root.

It runs the two pybabel commands of ``docs/i18n.md``: ``extract`` writes every message of the templates and the
web package's Python code (``babel.cfg``) into the template ``mzgraph.pot``; ``update`` merges the template into
each language's PO file, adding new messages untranslated, moving gone ones to the obsolete entries at the end,
and marking fuzzy a translation whose English changed (with its old translation as a start). English is the
source language, so a new or changed English message gets its own id as its text. Then it lists what is left to
translate; the exit code is 1 while anything is. (``tests/web/test_catalogs.py`` checks the same without
changing anything.)
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import version
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from mzgraph.web.i18n import DOMAIN, SOURCE_LANGUAGE, catalog_languages, locale_dir, read_catalog

ROOT = Path(__file__).resolve().parents[1]
HEADER = "# The words of the mzgraph pages.\n# Distributed under the same licence as mzgraph (EUPL-1.2)."


def template() -> Path:
    """The extracted template that the PO files are updated from."""
    return locale_dir() / f"{DOMAIN}.pot"


def extract(output: Path) -> None:
    """``pybabel extract``: the messages of the code into the template ``output`` (run from the repository root)."""
    _pybabel(
        "extract",
        "--mapping-file",
        "babel.cfg",
        "--output-file",
        str(output),
        "--project",
        "mzgraph",
        "--header-comment",
        HEADER,
        "--version",
        version("mzgraph"),
        "--add-location",
        "file",
        "--no-wrap",
        ".",  # the locations in the template are then paths in the repository
    )
    # pybabel fills the header with placeholder addresses, which read like e-mail addresses: leave them empty
    with output.open("rb") as pot:
        extracted = read_po(pot)
    extracted.language_team = extracted.last_translator = extracted.msgid_bugs_address = ""
    with output.open("wb") as pot:
        write_po(pot, extracted, width=0)


def update() -> None:
    """``pybabel update``: merge the template into every language's PO file."""
    _pybabel(
        "update",
        "--input-file",
        str(template()),
        "--output-dir",
        str(locale_dir()),
        "--domain",
        DOMAIN,
        "--no-wrap",
        "--ignore-pot-creation-date",
    )


def fill_source_language() -> int:
    """Give every new or changed English message its id as text (singular and plural); how many were filled."""
    path = locale_dir() / SOURCE_LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=SOURCE_LANGUAGE, domain=DOMAIN)
    filled = 0
    for message in catalog:
        if message.id and (message.fuzzy or not all(_forms(message.string))):
            message.string = message.id
            message.flags.discard("fuzzy")
            message.previous_id = []
            filled += 1
    if filled:
        with path.open("wb") as po:
            write_po(po, catalog, width=0)
    return filled


def left_to_translate() -> dict[str, list[str]]:
    """Per language, the messages without a translation or with a fuzzy one."""
    left: dict[str, list[str]] = {}
    for lang in catalog_languages():
        for message in read_catalog(lang):
            if message.id and (message.fuzzy or not all(_forms(message.string))):
                left.setdefault(lang, []).append(_forms(message.id)[0])
    return left


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return (text,) if isinstance(text, str) else tuple(text)


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m tools.catalogs", description=__doc__.split("\n\n")[0]).parse_args(argv)
    os.chdir(ROOT)
    extract(template())
    update()
    filled = fill_source_language()
    if filled:
        print(f"{SOURCE_LANGUAGE}: {filled} new or changed messages given their English id as text")
    left = left_to_translate()
    for lang, messages in left.items():
        print(f"{lang}: {len(messages)} to translate or review (untranslated or fuzzy):")
        for message in messages:
            print(f"  {message}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
