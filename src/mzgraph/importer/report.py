"""The run's report: per profile what was imported, what could not be placed, and the validation result.

Text for people, JSON for tools; both built from :func:`summarise`. Contact details are never echoed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from mzgraph.importer.iris import GROUP_SLUGS, local_name
from mzgraph.importer.pipeline import ProfileImport
from mzgraph.importer.vocabulary import Vocabulary
from mzgraph.validation import Severity, ValidationResult

Summary = dict[str, Any]


def summarise(
    result: ProfileImport,
    vocabulary: Vocabulary,
    targets: Sequence[Path],
    findings: Sequence[ValidationResult],
) -> Summary:
    """What one profile's import produced and found, as plain data."""
    profile = result.profile
    measures = Counter(e.entry.group for e in profile.entries if e.entry.is_measure)
    statements = Counter(e.entry.kind for e in profile.entries if e.entry.kind is not None)  # not a measure
    counts = Counter(f.severity for f in findings)
    return {
        "source": str(profile.source.path),
        "sha256": profile.source.sha256,
        "outputs": [str(t) for t in targets],
        "organisation": {
            "name": profile.name,
            "iri": str(profile.iris.organisation),
            "class": local_name(profile.employer_class),
        },
        "place": vocabulary.label(profile.place) if profile.place else None,
        "provinces_named": [vocabulary.label(p) for p in profile.provinces],
        "recognised": profile.recognised.lexical,
        "ambassador_since": profile.ambassador_since.lexical if profile.ambassador_since else None,
        "measures": {slug: measures.get(group, 0) for group, slug in GROUP_SLUGS.items()},
        "statements": {local_name(k): n for k, n in sorted(statements.items())},
        "figures": [
            {
                "counts": vocabulary.label(f.quantity_kind),
                "value": str(f.value),
                "approximation": vocabulary.label(f.approximation),
                "line": f.line,
            }
            for f in profile.figures
        ],
        "partners": [
            {"partner": vocabulary.label(r.partner), "role": vocabulary.label(r.role), "line": r.passage.line}
            for r in profile.relations
        ],
        "contacts": len(profile.document.contacts),
        "not_placed": [{"line": u.line, "text": u.text, "why": u.reason} for u in profile.unplaced],
        "candidates": [{"line": c.line, "name": c.name} for c in profile.candidates],
        "needs_review": [
            {
                "line": e.entry.passage.line,
                "guessed": vocabulary.label(e.review.guess) if e.review.guess else None,
                "nearest": [vocabulary.label(t) for t in e.review.nearest],
            }
            for e in profile.to_review
            if e.review is not None
        ],
        "truncated": [e.entry.passage.line for e in profile.entries if e.truncated],
        "page_chrome": [{"line": c.line, "why": c.reason} for c in profile.document.chrome],
        "notes": list(profile.source.notes),
        "validation": {
            "conforms": counts[Severity.VIOLATION] == 0,
            "violations": counts[Severity.VIOLATION],
            "warnings": counts[Severity.WARNING],
        },
    }


def render_json(summaries: Sequence[Summary], *, imported_at: str, written: bool, draft: bool) -> str:
    """The report for tools; ``draft``: what was written does not conform yet (a person must decide)."""
    report = {"imported_at": imported_at, "written": written, "draft": draft, "profiles": list(summaries)}
    return json.dumps(report, indent=2) + "\n"


def render_text(summaries: Sequence[Summary], *, imported_at: str, written: bool, draft: bool) -> str:
    """One block per profile, then whether the files were written, and as a draft or not."""
    blocks = [_profile_text(s) for s in summaries]
    verdict = "nothing written"
    if written:
        verdict = "written as a draft that does not conform yet" if draft else "written"
    text = "\n".join(blocks) + f"\nmzgraph import at {imported_at}: {len(summaries)} profile(s), {verdict}.\n"
    if written and draft:
        text += (
            "Decide what the violations above ask (mz:needsReview says what the importer guessed), then delete the"
            " flags: `mzgraph validate` fails on these files until then.\n"
        )
    return text


def _review_text(review: dict[str, Any]) -> str:
    what = f"guessed category {review['guessed']} (no label matched)" if review["guessed"] else "no category"
    nearest = f"nearest by label: {', '.join(review['nearest'])}" if review["nearest"] else "no label is near"
    return f"{review['line']}: {what}; {nearest}"


def _profile_text(s: Summary) -> str:
    org = s["organisation"]
    rows = [
        ("organisation", f"{org['name']} (mz:{org['class']}) <{org['iri']}>"),
        ("place", (s["place"] or "none in the place data: add it to data/places.ttl") + _provinces(s)),
        (
            "recognised",
            s["recognised"] + (f"; ambassador since {s['ambassador_since']}" if s["ambassador_since"] else ""),
        ),
        ("measures", f"{sum(s['measures'].values())}: " + ", ".join(f"{g} {n}" for g, n in s["measures"].items())),
        ("statements", ", ".join(f"{k} {n}" for k, n in s["statements"].items()) or "none"),
        ("figures", "; ".join(f"{f['counts']} {f['value']} ({f['approximation']})" for f in s["figures"]) or "none"),
        ("partners", "; ".join(f"{p['partner']}: {p['role']}" for p in s["partners"]) or "none"),
        ("contacts", f"{s['contacts']} (to the private file only)"),
        ("not placed", _lines(f"{u['line']}: {u['text']} ({u['why']})" for u in s["not_placed"])),
        ("candidates", _lines(f"{c['line']}: {c['name']} (not a known partner)" for c in s["candidates"])),
        ("needs review", _lines(map(_review_text, s["needs_review"]))),
        ("truncated", _lines(f"{line}: the text looks cut off" for line in s["truncated"])),
        ("page chrome", f"{len(s['page_chrome'])} line(s) skipped"),
        ("notes", _lines(s["notes"])),
    ]
    v = s["validation"]
    verdict = "conforms" if v["conforms"] else "does not conform"
    rows.append(("validation", f"{verdict}: {v['violations']} violation(s), {v['warnings']} warning(s)"))
    head = f"{s['source']} -> " + ", ".join(s["outputs"])
    return head + "\n" + "".join(f"  {label:<13}{value}\n" for label, value in rows)


def _provinces(s: Summary) -> str:
    named = s["provinces_named"]
    return f" (the text names the province {', '.join(named)})" if named else ""


def _lines(items: Iterable[str]) -> str:
    """A count, then one indented line per item."""
    listed = list(items)
    return "\n".join([str(len(listed)), *(f"{'':15}{item}" for item in listed)]) if listed else "0"
