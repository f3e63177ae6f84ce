"""Backups that restore on SQLite or PostgreSQL alike, and the restore that refuses strangers.

A backup is a zip: manifest.json (app, schema revision, time, database kind, row counts), one
JSON file per table with every row, a business-data workbook for people, and on SQLite also a
consistent copy of the database file made with SQLite's online backup API. Restore reads the
JSON rows, so a backup from either database kind restores into either; it runs as one
transaction, so a failure half way leaves the live data as it was.
"""
from __future__ import annotations

import base64
import io
import json
import sqlite3
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import core.models  # noqa: F401  (every table registered)
from core import db
from core.errors import UserFacingError
from core.timeutil import utcnow

APP_NAME = "zjjt-platform"
FORMAT_VERSION = 1


def _tables() -> list[sa.Table]:
    return list(SQLModel.metadata.sorted_tables)  # parents before children


def _encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, (bytes, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        key, inner = next(iter(value.items()))
        if key == "$dt":
            return datetime.fromisoformat(inner)
        if key == "$d":
            return date.fromisoformat(inner)
        if key == "$b":
            return base64.b64decode(inner)
    return value


def dump_rows(engine: Engine) -> dict[str, list[dict]]:
    """Every row of every table, read in one transaction (a consistent snapshot)."""
    out: dict[str, list[dict]] = {}
    with engine.connect() as conn, conn.begin():
        for table in _tables():
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()
            out[table.name] = [{key: _encode(value) for key, value in row.items()} for row in rows]
    return out


def _sqlite_copy(engine: Engine) -> bytes | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "copy.db"
        source = sqlite3.connect(database)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # SQLite's online backup API: consistent while the app runs
        finally:
            copy.close()
            source.close()
        return target.read_bytes()


def make_backup(engine: Engine, *, workbook: bytes | None = None) -> bytes:
    rows = dump_rows(engine)
    manifest = {"app": APP_NAME, "format": FORMAT_VERSION, "revision": db.current_revision(engine),
                "created_at": utcnow().isoformat(), "database": engine.dialect.name,
                "counts": {name: len(table_rows) for name, table_rows in rows.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, table_rows in rows.items():
            archive.writestr(f"tables/{name}.json", json.dumps(table_rows, ensure_ascii=False))
        if workbook is not None:
            archive.writestr("business-data.xlsx", workbook)
        copy = _sqlite_copy(engine)
        if copy is not None:
            archive.writestr("platform.sqlite", copy)
    return buffer.getvalue()


def read_manifest(content: bytes) -> dict:
    """The backup's manifest, or a refusal naming what is wrong with the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserFacingError("backup.not_a_backup") from exc
    if manifest.get("app") != APP_NAME or manifest.get("format") != FORMAT_VERSION:
        raise UserFacingError("backup.not_a_backup")
    return manifest


def check_restorable(engine: Engine, manifest: dict) -> None:
    known = {rev.revision for rev in db.ScriptDirectory.from_config(db.alembic_config()).walk_revisions()}
    if manifest.get("revision") not in known:
        raise UserFacingError("backup.newer_schema", revision=manifest.get("revision"))
    if manifest.get("revision") != db.current_revision(engine):
        raise UserFacingError("backup.other_schema", revision=manifest.get("revision"),
                              current=db.current_revision(engine))


def restore_backup(engine: Engine, content: bytes) -> dict:
    """Replace every row with the backup's, in one transaction. Returns the manifest."""
    manifest = read_manifest(content)
    check_restorable(engine, manifest)
    archive = zipfile.ZipFile(io.BytesIO(content))
    try:
        rows = {table.name: json.loads(archive.read(f"tables/{table.name}.json")) for table in _tables()}
    except (KeyError, ValueError) as exc:
        raise UserFacingError("backup.incomplete") from exc
    with db.session_scope(engine) as session:
        conn = session.connection()
        for table in reversed(_tables()):
            conn.execute(table.delete())
        for table in _tables():
            table_rows = [{key: _decode(value) for key, value in row.items()} for row in rows[table.name]]
            if table_rows:
                conn.execute(table.insert(), table_rows)
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn)
    return manifest


def _reset_sequences(conn) -> None:
    for table in _tables():
        column = next(iter(table.primary_key.columns))
        if isinstance(column.type, sa.Integer) and column.autoincrement in (True, "auto"):
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))


def backup_to_dir(engine: Engine, folder: Path, *, keep: int = 14, workbook: bytes | None = None) -> Path:
    """Write a dated backup into folder (atomically), keeping the newest `keep` files."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"backup-{stamp}.zip"
    partial = folder / f".{target.name}.partial"
    partial.write_bytes(make_backup(engine, workbook=workbook))
    partial.replace(target)  # an interrupted backup never looks like a finished one
    for old in sorted(folder.glob("backup-*.zip"))[:-keep] if keep > 0 else []:
        old.unlink()
    return target
