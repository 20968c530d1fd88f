"""The web layer: :func:`mzgraph.web.app.create_app` builds the FastAPI app."""
