"""mzgraph: a knowledge graph of Dutch carer-friendly (mantelzorgvriendelijke) employers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mzgraph")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"
