"""The kinds of document the archive holds, as a registry: stored files (every owner's
attachments and the documents filed here) are one source; minutes, briefings and submitted
platform workbooks are others, generated or kept by their own modules.

A source lists the documents a caller may open (each owner decides, by its own rule) and hands
out one document's bytes after checking the caller again, so the archive's search, download and
yearly package treat every kind alike and never widen what a module allows.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session

from core.auth import CurrentUser
from core.errors import NotFound

# What a source's row holds (the search adds the unit's name). `text` is searched but not shown;
# `retention_years` / `review_due` / `past_retention` belong to filed documents only.
ROW_FIELDS = ("key", "filename", "category", "year", "member_id", "title", "origin_kind", "origin_id",
              "access", "size_bytes", "created_at", "text", "retention_years", "review_due", "past_retention")


@dataclass(frozen=True)
class Source:
    prefix: str  # a document's key is "<prefix>:<id>"
    # The caller's readable documents: dicts with (some of) ROW_FIELDS; `key` is filled in.
    rows: Callable[[Session, CurrentUser], Iterable[dict]]
    # (filename, mime type, bytes) of one document; refuses (PermissionDenied) a caller its owner refuses.
    render: Callable[[Session, CurrentUser, int], tuple[str, str, bytes]]
    categories: tuple[str, ...] = ()  # offered in the page's category filter


SOURCES: dict[str, Source] = {}


def register_source(prefix: str, *, rows, render, categories: tuple[str, ...] = ()) -> None:
    SOURCES[prefix] = Source(prefix, rows, render, tuple(categories))


def key(prefix: str, ident: int) -> str:
    return f"{prefix}:{ident}"


def parse(document_key: str) -> tuple[Source, int]:
    """The source and id of a key like "minutes:5"; NotFound for anything else."""
    prefix, _, ident = str(document_key or "").partition(":")
    if prefix not in SOURCES or not ident.isdigit():
        raise NotFound("archive.not_found")
    return SOURCES[prefix], int(ident)


def full_row(prefix: str, ident: int, **fields) -> dict:
    """A source's row with every field present (None / "" where it does not apply)."""
    row = {name: None for name in ROW_FIELDS}
    row.update(access="", title="", text="", past_retention=False)
    row.update(fields, key=key(prefix, ident), origin_id=fields.get("origin_id", ident))
    return row
