"""The search engines the release index was chosen from, on the same texts: build time, size, query times.

    python -m benchmarks.search_engines --index /tmp/mz-100k/index --out results/search-engines-100k.json

Reads the searched texts of every employer from a release index and builds, in a scratch folder:

- **FTS5 trigram**: SQLite's full-text index (standard library), one document per employer (columns: names,
  measure and passage texts, partner names, quotations), texts folded in Python first (SQLite 3.40's trigram
  tokenizer cannot remove diacritics); a query word is a trigram phrase (a substring), ranked by ``bm25()``.
- **tantivy n-gram**: tantivy (PyPI) with a 3-gram tokenizer on the same documents, ranked by its BM25; every
  matching document's employer is read from a fast field.
- **vocabulary + postings** (what the index uses, :mod:`mzgraph.release.search`): FTS5 trigram over the distinct
  words only, then posting lists scored with numpy.

Each query is asked for the whole set of matching employers with their scores: combining a search with filters,
facet counts and every sort needs all of them, not the top ten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mzgraph.release import ReleaseIndex
from mzgraph.release.build import DATABASE
from mzgraph.release.search import SearchBuilder, Searcher
from mzgraph.release.text import fold, query_words

QUERIES = ["verlof", "mantelzorg", "calamiteitenverlof", "zorg", "zorg verlof", "xyzzyq", "hr"]
FIELDS = ("name", "measure", "partner", "quote")


def documents(index: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Each employer's folded texts, one column per field (passages count as measure texts)."""
    db = sqlite3.connect(index / DATABASE)
    current = -1
    columns: dict[str, list[str]] = {field: [] for field in FIELDS}
    for org, kind, text in db.execute("SELECT org, kind, text FROM search_texts ORDER BY org"):
        if org != current:
            if current >= 0:
                yield current, {field: "\n".join(texts) for field, texts in columns.items()}
            current, columns = org, {field: [] for field in FIELDS}
        columns["measure" if kind == "statement" else kind].append(fold(text))
    if current >= 0:
        yield current, {field: "\n".join(texts) for field, texts in columns.items()}


def timed(call: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    result = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return result, statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def fts5(index: Path, folder: Path, repeat: int) -> dict[str, Any]:
    path = folder / "fts5.sqlite"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
        "CREATE VIRTUAL TABLE docs USING fts5(name, measure, partner, quote, tokenize='trigram',"
        " content='');"
    )
    db.executemany(
        "INSERT INTO docs(rowid, name, measure, partner, quote) VALUES (?, ?, ?, ?, ?)",
        ((org, *(doc[f] for f in FIELDS)) for org, doc in documents(index)),
    )
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    built = time.perf_counter() - started
    results: dict[str, Any] = {"build_s": built, "bytes": path.stat().st_size, "queries": {}}
    sql = "SELECT rowid, bm25(docs, 4.0, 1.0, 1.5, 0.5) FROM docs WHERE docs MATCH ?"
    for query in QUERIES:
        words = query_words(query)
        if any(len(word) < 3 for word in words):
            results["queries"][query] = {"note": "words under 3 characters match nothing in a trigram index"}
            continue
        expression = " AND ".join('"' + word.replace('"', '""') + '"' for word in words)
        rows, median, p95 = timed(lambda e=expression: db.execute(sql, (e,)).fetchall(), repeat)  # type: ignore[misc]
        results["queries"][query] = {"employers": len(rows), "median_ms": median, "p95_ms": p95}
    db.close()
    return results


def tantivy(index: Path, folder: Path, repeat: int) -> dict[str, Any]:
    import tantivy as tv

    started = time.perf_counter()
    schema = tv.SchemaBuilder()
    for field in FIELDS:
        schema.add_text_field(field, stored=False, tokenizer_name="trigram", index_option="position")
    schema.add_integer_field("org", fast=True, indexed=False)
    (folder / "tantivy").mkdir()
    engine = tv.Index(schema.build(), path=str(folder / "tantivy"))
    engine.register_tokenizer("trigram", tv.TextAnalyzerBuilder(tv.Tokenizer.ngram(3, 3, False)).build())
    writer = engine.writer(heap_size=200_000_000, num_threads=1)
    for org, doc in documents(index):
        writer.add_document(tv.Document(org=org, **doc))
    writer.commit()
    writer.wait_merging_threads()
    built = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (folder / "tantivy").iterdir())
    engine.reload()
    searcher = engine.searcher()
    results: dict[str, Any] = {"build_s": built, "bytes": size, "queries": {}}
    for query in QUERIES:
        words = query_words(query)
        parsed = engine.parse_query(
            " AND ".join(f'"{w}"' for w in words),
            list(FIELDS),
            field_boosts={"name": 4.0, "partner": 1.5, "quote": 0.5},
        )

        def run(parsed: Any = parsed) -> list[tuple[int, float]]:
            hits = searcher.search(parsed, searcher.num_docs or 1, count=False).hits
            orgs = searcher.fast_field_values("org", [address for _, address in hits])
            return list(zip(orgs, (score for score, _ in hits), strict=True))

        rows, median, p95 = timed(run, repeat)
        note = "3-grams all sit at position 0: a query is every gram of it, anywhere in the field, not a substring"
        results["queries"][query] = {"employers": len(rows), "median_ms": median, "p95_ms": p95, "note": note}
    return results


def ours(index: Path, folder: Path, repeat: int) -> dict[str, Any]:
    count = ReleaseIndex(index).count
    path = folder / "vocabulary.sqlite"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    builder = SearchBuilder(db, count)
    for org, kind, source, line, text in sqlite3.connect(index / DATABASE).execute("SELECT * FROM search_texts"):
        builder.add(org, kind, source, line, text)
    builder.finish()
    db.execute("DROP TABLE search_texts")  # kept for showing matches, not part of the search itself
    db.commit()
    db.execute("VACUUM")
    built = time.perf_counter() - started
    searcher = Searcher(lambda: db, builder.length)
    results: dict[str, Any] = {"build_s": built, "bytes": path.stat().st_size, "queries": {}}
    for query in QUERIES:
        words = query_words(query)

        def run(words: tuple[str, ...] = words) -> Any:
            searcher._cache.clear()
            return searcher.search(words)

        found, median, p95 = timed(run, repeat)
        results["queries"][query] = {"employers": len(found.ids), "median_ms": median, "p95_ms": p95}
    db.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a release index folder (its texts are used)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", type=Path, help="JSON file for the figures")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="mzgraph-engines-"))
    try:
        results = {
            "vocabulary + postings": ours(args.index, folder, args.repeat),
            "FTS5 trigram": fts5(args.index, folder, args.repeat),
            "tantivy n-gram": tantivy(args.index, folder, args.repeat),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for engine, figures in results.items():
        print(f"{engine}: build {figures['build_s']:.1f} s, {figures['bytes'] / 1e6:,.1f} MB")
        for query, found in figures["queries"].items():
            if "median_ms" in found:
                print(
                    f"  {query!r:22} {found['employers']:>8,} employers  median {found['median_ms']:7.1f} ms"
                    f"  p95 {found['p95_ms']:7.1f} ms"
                )
            else:
                print(f"  {query!r:22} {found['note']}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
