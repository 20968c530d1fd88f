"""Page models, one module per kind of page: what a route hands to a template and to the page's JSON twin,
built from the entities' SPARQL builders."""
