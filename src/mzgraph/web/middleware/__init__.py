"""Pure ASGI middleware of the app, one module per job: the access log, fixed headers, compression."""
