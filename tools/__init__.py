"""What developers run, not users: the W3C SPARQL conformance runner, the helpers that start and stop servers
for the tests, the benchmarks and that runner, and the updater of the pages' gettext catalogs. Not part of the
wheel; run from the repository root."""
