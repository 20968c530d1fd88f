"""The few exception types mzgraph raises and the one error body the web layer renders."""

from __future__ import annotations

from dataclasses import dataclass, field


class MzgraphError(Exception):
    """Base class: a problem a user can act on, with a message that says what to do."""


@dataclass
class InputError(MzgraphError):
    """An input file cannot be read: exit code 2 in the CLI, 400 on the web."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


@dataclass
class ErrorBody:
    """``{"error": code, "message": ..., "detail": ...}``: the one error shape for JSON and HTML."""

    error: str
    message: str
    detail: dict[str, object] | None = field(default=None)

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.error, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body
