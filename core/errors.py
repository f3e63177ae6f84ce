"""Errors a user can be shown: each names an i18n key and its parameters, never raw text."""
from __future__ import annotations


class UserFacingError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params = params
        self.more: list[tuple[str, dict]] = []  # further problems found in the same check


class PermissionDenied(UserFacingError):
    """The caller's role or unit may not do this; raised in core whatever page called."""


class ValidationFailed(UserFacingError):
    """The input breaks a rule; nothing was written."""


class NotFound(UserFacingError):
    pass
