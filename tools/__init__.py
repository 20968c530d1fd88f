"""What developers run, not users: the W3C SPARQL conformance runner and the helpers that start and stop
servers for the tests, the benchmarks and that runner. Not part of the wheel; run from the repository root."""
