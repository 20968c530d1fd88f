"""RDF in general: the format registry and Accept negotiation, the one safe reader, the namespaces, the bridge
to rdflib, and where each subject is defined in its source file."""
