"""The pages' words in the gettext catalogs: in step with the code, complete in English and Dutch, shown safely.

The messages are extracted the way ``pybabel extract`` does with ``babel.cfg``, and compared with the template
and both catalogs, so a sentence added to a template without a translation fails here, not on the page (which
shows the English). ``python -m tools.catalogs`` brings the catalogs up to date.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment
from jinja2.ext import extract_from_ast

from common import ROOT
from mzgraph.web.i18n import DOMAIN, PLACEHOLDER, catalog_languages, locale_dir, read_catalog, translations
from mzgraph.web.templating import create_environment

LANGUAGES = ("en", "nl")
UPDATE = "run `python -m tools.catalogs` and translate what it lists"

MessageId = str | tuple[str, str]


@pytest.fixture(scope="module")
def extracted() -> dict[MessageId, list[str]]:
    """Every message of the code with where it is used, as ``pybabel extract -F babel.cfg`` finds them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[MessageId, list[str]] = {}
    for filename, lineno, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def env() -> Environment:
    return create_environment("https://w3id.org/mzgraph/")


def ids(catalog: Catalog) -> set[MessageId]:
    return {_key(message) for message in catalog if message.id}


def _key(message: Message) -> MessageId:
    return message.id if isinstance(message.id, str) else (message.id[0], message.id[1])


def forms(text: str | tuple[str, ...] | list[str]) -> list[str]:
    return [text] if isinstance(text, str) else list(text)


def untranslated(catalog: Catalog) -> list[str]:
    """The messages of ``catalog`` without a text in every plural form, or marked fuzzy (not shown)."""
    wanted = catalog.num_plurals
    return [
        forms(message.id)[0]
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(forms(message.string))
            or (message.pluralizable and len(forms(message.string)) != wanted)
        )
    ]


def test_both_languages_have_a_catalog() -> None:
    assert catalog_languages() == LANGUAGES


def test_every_message_of_the_code_is_in_the_template_and_in_both_catalogs(
    extracted: dict[MessageId, list[str]],
) -> None:
    with (locale_dir() / f"{DOMAIN}.pot").open("rb") as pot:
        template = ids(read_po(pot))
    for name, known in [("the template", template)] + [(lang, ids(read_catalog(lang))) for lang in LANGUAGES]:
        missing = {message: extracted[message] for message in set(extracted) - known}
        assert not missing, f"messages missing from {name} ({UPDATE}): {missing}"
        gone = known - set(extracted)
        assert not gone, f"messages in {name} that the code no longer uses ({UPDATE}): {gone}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_text_in_every_plural_form(lang: str) -> None:
    catalog = read_catalog(lang)
    assert catalog.num_plurals == 2
    assert len(catalog) > 150
    assert untranslated(catalog) == [], f"{lang}: untranslated or fuzzy ({UPDATE})"


def broken_placeholders(catalog: Catalog) -> list[str]:
    """The messages with a translation whose placeholders differ from the id's, or with a stray ``%`` (every
    message goes through ``%`` formatting on the page)."""
    broken = []
    for message in catalog:
        wanted = {name for text in forms(message.id) for name in PLACEHOLDER.findall(text)}
        texts = [text for text in forms(message.string) if text]
        if message.id and any(
            set(PLACEHOLDER.findall(text)) != wanted or "%" in PLACEHOLDER.sub("", text).replace("%%", "")
            for text in texts
        ):
            broken.append(forms(message.id)[0])
    return broken


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_and_pass_babels_checks(lang: str) -> None:
    catalog = read_catalog(lang)
    assert broken_placeholders(catalog) == []
    assert [(message.id, errors) for message, errors in catalog.check()] == []


def test_the_plural_messages_have_both_forms_in_dutch() -> None:
    nl = translations("nl")
    assert nl.ngettext("%(num)s measure", "%(num)s measures", 1) % {"num": 1} == "1 maatregel"
    assert nl.ngettext("%(num)s measure", "%(num)s measures", 3) % {"num": 3} == "3 maatregelen"
    assert nl.ngettext("%(num)s concept", "%(num)s concepts", 0) % {"num": 0} == "0 begrippen"


def test_the_templates_give_gettext_literal_texts_so_extraction_finds_every_message(env: Environment) -> None:
    assert env.loader is not None
    for name in env.list_templates(extensions=["html"]):
        source = env.loader.get_source(env, name)[0]
        assert not re.search(r"{%-?\s*(trans|pluralize)\b", source), f"{name}: use _() or ngettext(), not trans"
        assert not re.search(r"(?<![\w.])t\(", source), f"{name}: t() is gone; use _() or ngettext()"
        for lineno, function, strings in extract_from_ast(env.parse(source), ("_", "gettext", "ngettext")):
            texts = forms(strings)[: 2 if function == "ngettext" else 1]
            assert all(isinstance(text, str) for text in texts), f"{name}:{lineno}: {function}() of a variable"


def _render(env: Environment, source: str, lang: str) -> str:
    return env.from_string(source).render(lang=lang)


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", "1 triple checked against", "2 triples checked against"),
        ("nl", "1 triple gecontroleerd tegen", "2 triples gecontroleerd tegen"),
    ],
)
def test_the_validation_page_counts_one_triple_in_the_singular(server: str, lang: str, one: str, two: str) -> None:
    headers = {"Accept": "text/html", "Accept-Language": lang}
    for data, expected in (("<http://e/a> <http://e/b> 1 .", one), ("<http://e/a> <http://e/b> 1, 2 .", two)):
        form = {"data": data, "format": "text/turtle"}
        response = httpx.post(server + "/validate", data=form, headers=headers, timeout=60)
        assert response.status_code == 200
        assert expected in response.text


def test_templates_show_the_readers_language_with_plural_forms(env: Environment) -> None:
    source = '{{ _("Not found") }} · {{ ngettext("%(num)s measure", "%(num)s measures", n) }}'
    assert env.from_string(source).render(lang="nl", n=1) == "Niet gevonden · 1 maatregel"
    assert env.from_string(source).render(lang="nl", n=2) == "Niet gevonden · 2 maatregelen"
    assert env.from_string(source).render(lang="en", n=1) == "Not found · 1 measure"
    assert _render(env, '{{ _("Recognised since %(date)s", date="1 mei 2012") }}', "nl") == "Erkend sinds 1 mei 2012"


def test_messages_are_text_escaped_on_the_page_and_so_are_the_values_put_into_them(env: Environment) -> None:
    assert _render(env, '{{ _("For programs") }}', "nl") == "Voor programma&#39;s"
    (intro,) = [message.id for message in read_catalog("en") if "Werk&Mantelzorg" in message.id]
    assert "Werk&amp;Mantelzorg" in env.from_string("{{ _(intro) }}").render(lang="en", intro=intro)
    chip = _render(env, """{{ _("Remove filter %(what)s", what='<script>"x"</script>') }}""", "en")
    assert chip == "Remove filter &lt;script&gt;&#34;x&#34;&lt;/script&gt;"


def test_a_message_no_catalog_has_is_shown_in_english_not_as_an_error(env: Environment) -> None:
    assert _render(env, '{{ _("A sentence no catalog has.") }}', "nl") == "A sentence no catalog has."
    assert translations("nl").ngettext("%(num)s thing", "%(num)s things", 2) == "%(num)s things"
    assert translations("de").gettext("Not found") == "Not found"


@pytest.fixture
def broken_catalogs(tmp_path: Path) -> Iterator[Path]:
    """A copy of the catalogs whose Dutch lacks one translation, has one fuzzy, one with a placeholder the
    page does not fill, one with a stray percent sign and a plural with one form empty."""
    folder = tmp_path / "locale"
    shutil.copytree(locale_dir(), folder)
    nl = read_catalog("nl", folder)
    nl["Not found"].string = ""
    nl["Too large"].flags.add("fuzzy")
    nl["Recognised since %(date)s"].string = "Erkend sinds %(datum)s"
    nl["Ambassador since %(date)s"].string = "Ambassadeur sinds %(date)s (100%)"
    nl[("%(num)s measure", "%(num)s measures")].string = ("%(num)s maatregel", "")
    with (folder / "nl" / "LC_MESSAGES" / f"{DOMAIN}.po").open("wb") as po:
        write_po(po, nl)
    yield folder
    translations.cache_clear()


def test_a_broken_translation_fails_the_catalog_tests_and_the_page_shows_english(broken_catalogs: Path) -> None:
    catalog = read_catalog("nl", broken_catalogs)
    assert untranslated(catalog) == ["Not found", "Too large", "%(num)s measure"]
    assert set(broken_placeholders(catalog)) == {"Ambassador since %(date)s", "Recognised since %(date)s"}
    nl = translations("nl", broken_catalogs)
    assert nl.gettext("Not found") == "Not found"
    assert nl.gettext("Too large") == "Too large"
    assert nl.gettext("Recognised since %(date)s") == "Recognised since %(date)s"
    assert nl.gettext("Ambassador since %(date)s") == "Ambassador since %(date)s"
    assert nl.ngettext("%(num)s measure", "%(num)s measures", 2) == "%(num)s measures"
    assert nl.gettext("Method not allowed") == "Methode niet toegestaan"
