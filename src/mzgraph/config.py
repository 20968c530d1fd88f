"""Settings: the one place that reads the environment (``MZGRAPH_*``) and the defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_IRI = "https://w3id.org/mzgraph/"


class Settings(BaseSettings):
    """Everything configurable about mzgraph; CLI flags override environment variables."""

    # A keyword that names no setting is an error: a misspelt one would leave the default in place without a
    # word. Environment variables are read by field, so an unknown MZGRAPH_ variable is still not an error.
    model_config = SettingsConfigDict(env_prefix="MZGRAPH_", extra="forbid")

    base_iri: str = Field(
        DEFAULT_BASE_IRI,
        description="Canonical base of every IRI in the graph; the server maps it to its own root.",
    )
    backend: Literal["embedded", "remote"] = Field(
        "embedded", description="Which store answers: set to remote by giving sparql_endpoint."
    )
    data_paths: list[Path] = Field(
        default_factory=list,
        description="RDF files or folders to serve; empty means the bundled ontology and data.",
    )
    store_path: Path | None = Field(None, description="On-disk Oxigraph store directory (embedded backend).")
    sparql_endpoint: str | None = Field(None, description="SPARQL 1.1 Protocol endpoint (remote backend).")
    data_graph: str | None = Field(
        None,
        description="Remote backend: the named graph holding the data, asked as the default graph of every query "
        "(Virtuoso's own default graph is the union of all its graphs, its system graphs included).",
    )
    store_user: str | None = Field(
        None, description="Remote backend: account on the store (or user:password@ in the endpoint URL)."
    )
    store_password: SecretStr | None = Field(
        None, description="Remote backend: that account's password; never printed."
    )
    include_private: bool = Field(False, description="Also load personal data (staff contact details).")
    private_data: Path | None = Field(
        None, description="Folder or file of personal data for include_private (default: data/private/)."
    )

    index_path: Path | None = Field(
        None,
        description="The release index: for an on-disk store, the folder `mzgraph load` built (default STORE/index); "
        "for a remote store, the folder `mzgraph index --out` wrote; for data loaded in memory, a cache folder "
        "holding one index per release (default: default_index_cache()).",
    )

    query_timeout: float = Field(10.0, gt=0, description="Seconds after which a query is stopped.")
    max_rows: int = Field(10_000, gt=0, description="Row cap on SELECT results; reported when applied.")
    max_query_length: int = Field(100_000, gt=0, description="Longest accepted query text, in characters.")
    max_body_bytes: int = Field(2_000_000, gt=0, description="Largest accepted request body.")
    max_concurrent_queries: int = Field(8, gt=0, description="Queries running at once before 503.")
    query_workers: int = Field(2, gt=0, description="Worker processes that evaluate queries (embedded).")

    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on.")
    workers: int = Field(
        default_factory=lambda: available_cores(), gt=0, description="Web worker processes (default: one per core)."
    )
    log_level: Literal["debug", "info", "warning", "error", "critical"] = Field(
        "info", description="Least severe log records written (mzgraph's and uvicorn's)."
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text, or as one JSON object per line (for log collectors)."
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Comma-separated addresses (or *) of proxies whose X-Forwarded-Proto and X-Forwarded-For "
        "are trusted.",
    )
    root_path: str = Field(
        "", description="Path prefix under which a reverse proxy publishes the service (such as /kg), or empty."
    )
    metrics_dir: Path | None = Field(
        None,
        description="Folder where web worker processes share their metrics (Prometheus multiprocess mode); "
        "`serve --workers N` makes and empties one when none is given.",
    )

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith("/"):
            raise ValueError(f"root_path must start with / (such as /kg), not {value!r}")
        return value

    def canonical(self, path: str) -> str:
        """The canonical IRI of a server path such as ``id/partner/mezzo``."""
        return self.base_iri + path.lstrip("/")


def available_cores() -> int:
    """The CPUs this process may run on (its affinity), at least one."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def default_index_cache() -> Path:
    """Where data served from memory keeps its release indexes: ``$XDG_CACHE_HOME/mzgraph/index``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mzgraph" / "index"
