"""Why an upload is refused: a stable rule code, a French detail, nothing kept."""

from __future__ import annotations

from store.kit.errors import DomainError, FieldError, InvalidInput


class ReleaseRejected(InvalidInput):
    """An upload broke a validation rule; nothing of it is kept."""

    def __init__(self, code: str, detail: str, *, field: str | None = None) -> None:
        errors = [FieldError(field=field, message=detail)] if field else []
        super().__init__(detail, code=code, errors=errors)


class ArchiveTooLarge(DomainError):
    status = 413
    code = "archive_too_large"
    title = "Archive trop volumineuse"
