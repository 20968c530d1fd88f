"""What a page shows, without HTTP: small, pure SPARQL builders and the dataclasses they are read into
(organisations, partners, concepts, the ontology, the dataset and its VoID), and the framed JSON-LD of an
entity. The web layer renders these; nothing here knows about requests or responses."""
