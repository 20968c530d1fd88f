"""The release index: everything that spans the whole dataset, computed once per release and read per request.

The data is read-only between two releases, so the lists, counts, search, statistics, sitemap and dumps of a
release are materialised when it is loaded, in a folder beside the store, and a request reads only what its page
shows. No request scans the graph. Why it is built the way it is, what it costs, and when it must be rebuilt:
``docs/release-index.md``.

Building (once per release; through the :class:`~mzgraph.store.Store` interface only, so embedded and remote
stores alike)::

    built = build_index(store, Path("var/store/index"), base_iri=settings.base_iri, prefixes=PREFIXES,
                        shapes=shape_files, describe=describe_triples, report=reporter(sys.stderr))
    path = ensure_index(store, cache_root, ...)   # the same into a cache keyed by release, built by one process

Reading (open once per process, share between threads; every call is cheap at any size)::

    index = open_index(path, store.release, rebuild="mzgraph index --store var/store")
    page = index.browse(Filters(partners=(mezzo,)), search="verlof", sort=Sort.parse("-recognised"), size=20)
    page.items, page.total, page.next, page.prev, page.last      # cursors are opaque strings
    index.browse(..., cursor=page.next)                          # the next page costs what the first did
    index.cursor_at(filters, search, sort, 40)                   # the page at row 40 (old page-number links)
    index.facets(filters, search)                                # counts for the current list, per facet value
    index.iter_all(filters, search, sort)                        # every row, for exports, in flat memory
    index.members("concept", measure_type_iri, cursor, size)     # employers of a type/group/role, in name order
    index.members("partner", partner_iri)
    index.stats()                                                # home, VoID/DCAT and ontology-page figures
    index.dump("nq", gz=True)                                    # a file with size and ETag; no personal data
    index.hub(partner_iri)                                       # a hub's description (None for other resources)
    index.sitemap_chunks(), index.sitemap(0)                     # entity pages, 50,000 per sitemap

Errors the web layer turns into HTTP 400: :class:`BadCursor` (malformed, another release's, another order's)
and :class:`BadRequest` (a size, sort, format or kind that does not exist). At start-up: :class:`IndexMissing`
and :class:`IndexMismatch` (built from another release than the store holds), whose messages name the command
that rebuilds the index.
"""

from mzgraph.progress import Reporter, reporter
from mzgraph.release.build import Built, build_index, ensure_index, index_directory
from mzgraph.release.errors import BadCursor, BadRequest, IndexMismatch, IndexMissing, ReleaseIndexError
from mzgraph.release.hubs import Describer
from mzgraph.release.index import MemberKind, ReleaseIndex, open_index
from mzgraph.release.model import (
    Dump,
    Facet,
    Facets,
    FacetValue,
    Filters,
    Item,
    Match,
    Page,
    SitemapChunk,
    Sort,
    Source,
    Stats,
)
from mzgraph.release.text import Marked

__all__ = [
    "BadCursor",
    "BadRequest",
    "Built",
    "Describer",
    "Dump",
    "Facet",
    "FacetValue",
    "Facets",
    "Filters",
    "IndexMismatch",
    "IndexMissing",
    "Item",
    "Marked",
    "Match",
    "MemberKind",
    "Page",
    "ReleaseIndex",
    "ReleaseIndexError",
    "Reporter",
    "SitemapChunk",
    "Sort",
    "Source",
    "Stats",
    "build_index",
    "ensure_index",
    "index_directory",
    "open_index",
    "reporter",
]
