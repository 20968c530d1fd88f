"""The W3C SPARQL 1.1 test suites, run through mzgraph's own ``/sparql`` over HTTP.

``python -m tools.conformance`` reads the manifests (:mod:`.manifest`), serves each test's dataset
with a real server per backend (:mod:`.backends`), asks each query over HTTP (:mod:`.endpoint`),
reads the answers (:mod:`.results`) and compares them strictly with the expected ones
(:mod:`.compare`); :mod:`.report` writes the per-suite table and the known misses.

Like the CLI, this package sits at the top of the import graph: it starts the web app.
"""
