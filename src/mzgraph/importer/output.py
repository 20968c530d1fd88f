"""Writing the import's files: all of them or none, never half a file.

Each file is written to a temporary file beside its target (``.name.….tmp``, which no RDF reader picks
up) and renamed over the target only when every file has been written, so an interrupted or failed run
leaves the folders as they were.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from mzgraph import bundled
from mzgraph.errors import InputError
from mzgraph.importer.checks import OutputFile


def write_all(files: Sequence[OutputFile]) -> None:
    """Write ``files`` atomically as a set; :class:`InputError` when a folder cannot be written."""
    staged: list[tuple[Path, Path]] = []
    try:
        for output in files:
            staged.append((_stage(output), output.target))
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as err:
        raise InputError(str(getattr(err, "filename", None) or "output"), f"cannot write: {err.strerror}") from None
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def _stage(output: OutputFile) -> Path:
    output.target.parent.mkdir(parents=True, exist_ok=True)
    # a name of our own rather than mkstemp's: open() gives the file the usual (umask) permissions
    temporary = output.target.with_name(f".{output.target.name}.{secrets.token_hex(6)}.tmp")
    with open(temporary, "xb") as stream:
        stream.write(output.data)
        stream.flush()
        os.fsync(stream.fileno())
    return temporary


def check_private_folder(private: Path, public: Path) -> None:
    """Refuse a folder for contact persons that would be published (:class:`InputError`)."""
    where = private.resolve()
    data, kept_apart = bundled.data_dir().resolve(), bundled.private_data_dir().resolve()
    if where == public.resolve():
        raise InputError(str(private), "contact persons must not go beside the published Turtle; choose another folder")
    if where.is_relative_to(data) and not where.is_relative_to(kept_apart):
        raise InputError(
            str(private), f"contact persons would be published from there; use {kept_apart} (never published)"
        )
