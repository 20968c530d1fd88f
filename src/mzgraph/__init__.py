"""mzgraph: a knowledge graph of Dutch carer-friendly (mantelzorgvriendelijke) employers."""

__version__ = "0.1.0"
