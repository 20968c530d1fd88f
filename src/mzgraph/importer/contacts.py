"""Recognising contact lines: who to contact, with e-mail addresses and phone numbers (personal data).

Profiles end with lines such as ``Voor meer informatie kunt u contact opnemen met: Anna ‘t Veld,
Senior Adviseur Personeel en Organisatie`` followed by ``mail: …``, or a bare ``Els de Boer,
beleidsadviseur …``. A line with only an address or a number belongs to the contact named before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\btel(?:efoon)?\.?\s*:\s*(?P<number>\+?\d[\d\s()–-]{4,}\d)", re.IGNORECASE)
_CUE = re.compile(r"\b(?:contact\s+opnemen\s+met|meer\s+informatie\s+via)\b\s*:?\s*", re.IGNORECASE)
_PARTICLE = r"(?:van|de|den|der|ter|ten|te|op|in|[‘'’]t)"
_NAME_WORD = r"[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?"
_PERSON = re.compile(
    rf"(?P<honorific>(?:dhr|mevr|mw|dr|drs|ir|prof)\.\s+)?"
    rf"(?P<name>{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_WORD}){{1,3}})"
    r"\s*(?:,\s*(?P<title>[^,:]+?))?\s*(?::.*)?"
)


@dataclass(frozen=True)
class ContactLine:
    """What a contact line says: a person (``name`` set) and/or contact details."""

    name: str | None
    honorific: str | None
    job_title: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]


def contact_line(text: str, *, bare_names: bool) -> ContactLine | None:
    """The contact on ``text``, or None when it is no contact line.

    With ``bare_names`` a line that is only ``Name, job title`` counts as a contact (at the end of a
    profile); elsewhere a person is recognised only after a cue such as *contact opnemen met*.
    """
    emails = tuple(EMAIL.findall(text))
    phones = tuple(m["number"].strip() for m in PHONE.finditer(text))
    cue = _CUE.search(text)
    person = _PERSON.fullmatch(text[cue.end() :].strip()) if cue else None
    if cue is None and bare_names and (bare := _PERSON.fullmatch(text.strip())) and bare["title"]:
        person = bare
    if person is None:
        if cue or emails or phones:
            return ContactLine(None, None, None, emails, phones)
        return None
    honorific = person["honorific"].strip() if person["honorific"] else None
    return ContactLine(person["name"], honorific, person["title"], emails, phones)
