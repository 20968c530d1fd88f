"""The app's routes, one module per group, each with its ``router``: the SPARQL endpoint, the query page and
saved queries, the API docs, the home and browse pages, dereferencing ``/id`` and ``/def``, the dataset's
dumps and descriptions, and validating a posted document."""
