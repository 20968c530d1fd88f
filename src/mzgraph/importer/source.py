"""Reading a profile text file: bytes, their SHA-256, and text decoded with a note when it is not plain UTF-8.

A profile is meant to be UTF-8. Texts copied from a web page often arrive otherwise: with a byte-order
mark, or saved by an old editor as Windows-1252. Both are read, and the run reports how, so the
maintainer can save the file as UTF-8 before it goes into ``data/sources/``. What is not text at all
(NUL or other control bytes, an image) and an empty file are refused with an :class:`InputError`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from mzgraph.errors import InputError

_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SourceText:
    """A profile text as read: its lines (without line breaks), digest, charset and reading notes."""

    path: Path
    sha256: str
    charset: str
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        return self.path.name


def read_source(path: Path) -> SourceText:
    """Read and decode the profile text at ``path``; :class:`InputError` if it is no usable text."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot open file: {err.strerror or err}") from None
    return decode_source(data, path)


def decode_source(data: bytes, path: Path) -> SourceText:
    """Decode ``data`` read from ``path``: UTF-8 (with or without a byte-order mark) or Windows-1252."""
    digest = hashlib.sha256(data).hexdigest()
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, charset = data.decode("utf-16"), "utf-16"
        notes.append("the file is UTF-16 (it starts with a byte-order mark); save it as UTF-8")
    else:
        _refuse_binary(data, path)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
            notes.append("the file starts with a UTF-8 byte-order mark, which was ignored; save it without one")
        text, charset = _decode_utf8_or_cp1252(data, path, notes)
    if not text.strip():
        raise InputError(str(path), "the file is empty: expected the text of a Werk&Mantelzorg profile")
    return SourceText(path, digest, charset, tuple(_LINE_BREAK.split(text)), tuple(notes))


def _refuse_binary(data: bytes, path: Path) -> None:
    if (match := _CONTROL.search(data)) is not None:
        line = data[: match.start()].count(b"\n") + 1
        raise InputError(
            str(path),
            f"this is not a text file (control byte 0x{data[match.start()]:02x}); expected a profile text",
            line=line,
        )


def _decode_utf8_or_cp1252(data: bytes, path: Path, notes: list[str]) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            position = utf8_error.start
            raise InputError(
                str(path),
                f"neither UTF-8 nor Windows-1252 text (byte 0x{data[position]:02x}); save the file as UTF-8",
                line=data[:position].count(b"\n") + 1,
                column=position - data.rfind(b"\n", 0, position),
            ) from None
        line = data[: utf8_error.start].count(b"\n") + 1
        notes.append(f"the file is not UTF-8 (first at line {line}): read as Windows-1252; save it as UTF-8")
        return text, "windows-1252"
