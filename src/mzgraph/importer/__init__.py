"""``mzgraph import``: a Werk&Mantelzorg profile text -> Turtle for ``data/organisations/``.

The flow, one module per step:

- :mod:`.source` reads the bytes (UTF-8, or Windows-1252 / a byte-order mark with a note);
- :mod:`.parsing` finds the document's parts (:mod:`.model`): header, sections, contacts, chrome;
- :mod:`.passages`, :mod:`.mentions`, :mod:`.figures` and :mod:`.profile` interpret them with the
  labels of the graph (:mod:`.vocabulary`, :mod:`.matching`) and Dutch dates and numbers (:mod:`.dutch`);
- :mod:`.graph` and :mod:`.turtle` make the published and the private RDF;
- :mod:`.checks` validates it against the shapes, :mod:`.output` writes it, all or nothing;
- :mod:`.cli` ties it together for the command line and :mod:`.report` says what happened.
"""
