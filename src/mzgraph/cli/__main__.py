"""``python -m mzgraph.cli``: the ``mzgraph`` command."""

import sys

from mzgraph.cli import main

sys.exit(main())
