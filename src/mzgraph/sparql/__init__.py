"""SPARQL before any store sees it: the static guard, the query errors, saved queries, and the helpers that
bind values as RDF terms in generated queries."""
