"""Profile text -> document model: decoding, header, sections found by meaning, contacts, page chrome."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REDACTED, SOURCES, vocabulary, with_invented_contacts

from mzgraph.errors import InputError
from mzgraph.importer.iris import local_name
from mzgraph.importer.parsing import parse_profile
from mzgraph.importer.source import SourceText, decode_source, read_source

MINIMAL = """Werk&Mantelzorg

Gemeente Voorbeeld

Erkend mantelzorgvriendelijk sinds: 1 maart 2020

Welke concrete acties heeft uw organisatie uitgevoerd om medewerkers bewust te maken van het thema?

 • Berichten op intranet.
"""

# profile -> (line of heading, group or statement kind, passages) for every section, the introduction first
SECTIONS = {
    "gemeente-amersfoort": [
        (0, None, 1),
        (10, "awareness", 5),
        (18, "embedding", 3),
        (24, "ambassador-activity", 1),
        (28, "network", 1),
    ],
    "gemeente-emmen": [
        (0, None, 1),
        (10, "principle", 8),
        (21, "awareness", 8),
        (33, "dialogue", 5),
        (42, "tailored-solutions", 10),
        (56, "embedding", 7),
        (67, "ambassador-activity", 3),
    ],
    "gemeente-enschede": [(0, None, 1), (9, "awareness", 1), (13, "achievement", 10), (26, "embedding", 6)],
    "gemeente-haarlem": [
        (0, None, 1),
        (7, "mission", 1),
        (12, "awareness", 5),
        (20, "dialogue", 3),
        (26, "tailored-solutions", 4),
        (33, "embedding", 5),
    ],
    "regio-twente": [
        (0, None, 2),
        (10, "awareness", 8),
        (21, "dialogue", 5),
        (29, "tailored-solutions", 13),
        (46, "embedding", 6),
    ],
}
CONTACTS = {
    "gemeente-amersfoort": [],
    "gemeente-emmen": [(75, "Jan Jansen", "dhr.", "Beleidsmedewerker HRM afdeling PJC/team O&A", 1, 1)],
    "gemeente-enschede": [],
    "gemeente-haarlem": [
        (41, "Els de Boer", None, "beleidsadviseur afdeling maatschappelijke ondersteuning", 0, 0),
        (43, "Kees Bakker", None, None, 1, 0),
    ],
    "regio-twente": [(56, "Anna ‘t Veld", None, "Senior Adviseur Personeel en Organisatie", 1, 0)],
}


def source(text: str | bytes, name: str = "gemeente-voorbeeld.txt") -> SourceText:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return decode_source(data, Path(name))


def parse(text: str):
    return parse_profile(source(text), vocabulary())


@pytest.mark.parametrize("profile", sorted(SECTIONS))
def test_sections_are_found_by_the_meaning_of_their_headings(profile: str) -> None:
    document = parse_profile(read_source(SOURCES / f"{profile}.txt"), vocabulary())
    found = [
        (s.line, local_name(s.group or s.kind) if (s.group or s.kind) else None, len(s.passages))
        for s in document.sections
    ]
    assert found == SECTIONS[profile]


@pytest.mark.parametrize("profile", sorted(CONTACTS))
def test_contacts_are_recognised_with_the_details_on_the_following_lines(profile: str) -> None:
    document = parse(with_invented_contacts(profile))
    found = [(c.line, c.name, c.honorific, c.job_title, len(c.emails), len(c.phones)) for c in document.contacts]
    assert found == CONTACTS[profile]


def test_the_header_gives_publisher_name_and_dates_with_their_lines() -> None:
    document = parse_profile(read_source(SOURCES / "gemeente-emmen.txt"), vocabulary())
    assert document.publisher is not None and document.publisher.line == 1
    assert (document.name, document.name_line) == ("Gemeente Emmen", 3)
    assert document.ambassador is not None and (document.ambassador.line, document.ambassador.value) == (
        5,
        "december 2010",
    )
    assert document.recognised is not None and document.recognised.value == "11 november 2015"


def test_passages_are_verbatim_without_bullet_and_surrounding_space() -> None:
    document = parse_profile(read_source(SOURCES / "gemeente-emmen.txt"), vocabulary())
    passage = next(p for s in document.sections for p in s.passages if p.line == 47)
    assert passage.text == "wisselen naar 4 x9\u00a0 i.p.v. 5 x 8;" and passage.bullet  # a no-break space kept


def test_page_chrome_and_websites_are_set_apart() -> None:
    document = parse_profile(read_source(SOURCES / "gemeente-enschede.txt"), vocabulary())
    assert [(c.line, c.reason) for c in document.chrome] == [
        (36, "link text without an address"),
        (37, "link text without an address"),
        (39, "page footer"),
        (40, "page footer"),
    ]
    haarlem = parse_profile(read_source(SOURCES / "gemeente-haarlem.txt"), vocabulary())
    assert [w.text for w in haarlem.websites] == ["www.gemeentehaarlem.nl"]


def test_a_heading_followed_directly_by_text_labels_only_that_block() -> None:
    text = MINIMAL.replace(
        "Welke concrete",
        "De missie van de gemeente is:\nSamen zorgen.\n\nDe gemeente telt 40 medewerkers.\n\nWelke concrete",
    )
    document = parse(text)
    mission = next(s for s in document.sections if s.kind is not None)
    assert [p.text for p in mission.passages] == ["Samen zorgen."]
    assert [p.text for p in document.sections[0].passages] == ["De gemeente telt 40 medewerkers."]


def test_a_line_naming_the_open_sections_group_is_a_passage_not_a_new_heading() -> None:
    text = MINIMAL + "\nWelke acties om medewerkers bewust te maken hebben wij nog meer gedaan:\n\n • Posters.\n"
    awareness = parse(text).question_sections
    assert len(awareness) == 1 and [p.text for p in awareness[0].passages][1:] == [
        "Welke acties om medewerkers bewust te maken hebben wij nog meer gedaan:",
        "Posters.",
    ]


def test_a_bare_name_and_title_is_a_contact_only_after_the_question_sections() -> None:
    before = MINIMAL.replace("Welke concrete", "Jan de Vries, adviseur\n\nWelke concrete")
    after = MINIMAL + "\nJan de Vries, adviseur\n"
    assert parse(before).contacts == ()
    assert [c.name for c in parse(after).contacts] == ["Jan de Vries"]


def test_contact_details_without_a_name_are_not_echoed() -> None:
    document = parse(MINIMAL + "\nmail: iemand@example.org\n")
    assert [(u.line, u.text) for u in document.unplaced] == [(11, "(contact details)")]


def test_a_bullet_with_an_email_address_never_becomes_a_published_passage() -> None:
    document = parse(MINIMAL + " • Vragen? Mail iemand@example.org of bel tel: 0000 – 000000\n")
    assert [p.line for p in document.question_sections[0].passages] == [9]
    assert [(u.line, u.reason) for u in document.unplaced] == [(10, "contact details without a name")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Werk&Mantelzorg\n\nErkend mantelzorgvriendelijk sinds: 1 maart 2020\n", "no organisation name"),
        ("Werk&Mantelzorg\n", "no organisation name"),
        (MINIMAL.split("Welke")[0] + "Een inleiding.\n", "no question sections"),
    ],
)
def test_a_text_without_name_or_question_sections_is_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse(text)


def test_utf8_with_a_byte_order_mark_and_windows_line_ends_reads_the_same_with_a_note() -> None:
    plain = source(MINIMAL)
    marked = source(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode("utf-8"))
    assert marked.lines == plain.lines and plain.notes == ()
    assert "byte-order mark" in marked.notes[0]


def test_utf16_text_is_read_with_a_note() -> None:
    decoded = source(MINIMAL.encode("utf-16"))
    assert decoded.lines == source(MINIMAL).lines and "UTF-16" in decoded.notes[0]


def test_windows_1252_text_is_read_with_a_note() -> None:
    text = MINIMAL.replace("Berichten", "“Berichten” • café")
    decoded = source(text.encode("cp1252"))
    assert decoded.lines == source(text).lines
    assert decoded.charset == "windows-1252" and "Windows-1252" in decoded.notes[0]


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "empty", None),
        (b"  \n\t\n", "empty", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file", 2),
        (b"Werk\nGemeente \x81\x8d\n", "neither UTF-8 nor Windows-1252", 2),
    ],
)
def test_no_usable_text_is_an_input_error_with_its_line(data: bytes, message: str, line: int | None) -> None:
    with pytest.raises(InputError, match=message) as raised:
        source(data)
    assert raised.value.line == line


@pytest.mark.parametrize("profile", sorted(CONTACTS))
def test_redacted_contact_lines_are_page_chrome_and_name_nobody(profile: str) -> None:
    text = read_source(SOURCES / f"{profile}.txt")
    document = parse_profile(text, vocabulary())
    assert document.contacts == ()
    marked = [number for number, line in enumerate(text.lines, 1) if line == REDACTED]
    assert [c.line for c in document.chrome if c.text == REDACTED] == marked
    assert bool(marked) == bool(CONTACTS[profile])
