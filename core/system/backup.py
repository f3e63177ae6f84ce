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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import core.models  # noqa: F401  (every table registered)
from core import db
from core.errors import UserFacingError
from core.timeutil import utcnow

APP_NAME = "zjjt-platform"
FORMAT_VERSION = 1
MANIFEST_MAX_BYTES = 1_000_000


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
    """Every row of every table, as of one moment (see `snapshot`)."""
    with snapshot(engine) as (conn, _):
        return _dump(conn)


def _dump(conn) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for table in _tables():
        rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()
        out[table.name] = [{key: _encode(value) for key, value in row.items()} for row in rows]
    return out


@contextmanager
def snapshot(engine: Engine) -> Iterator[tuple[sa.Connection, bytes | None]]:
    """A connection that sees the whole database as of one moment, while others go on writing;
    and on a SQLite file, the consistent copy of the file that the connection reads.

    PostgreSQL reads every table in one REPEATABLE READ, read-only, deferrable transaction (under
    READ COMMITTED each statement would see a later moment: posts without their topic). SQLite
    copies the file with its online backup API first and reads the copy, so the rows, the
    workbook and the file in the zip are the same moment."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "copy.db"
            source, copy = sqlite3.connect(database), sqlite3.connect(target)
            try:
                source.backup(copy)  # SQLite's online backup API: consistent while the app runs
            finally:
                copy.close()
                source.close()
            frozen = sa.create_engine(f"sqlite:///{target}")
            try:
                with frozen.connect() as conn, conn.begin():
                    yield conn, target.read_bytes()
            finally:
                frozen.dispose()
        return
    options = ({"isolation_level": "REPEATABLE READ", "postgresql_readonly": True, "postgresql_deferrable": True}
               if engine.dialect.name == "postgresql" else {})
    with engine.connect() as conn:
        conn = conn.execution_options(**options)
        with conn.begin():
            yield conn, None


def make_backup(engine: Engine, *, workbook: Callable[[Session], bytes] | None = None) -> bytes:
    """The backup zip: the rows, the SQLite file and the business workbook of one moment."""
    started = utcnow()  # everything committed before this moment is in the backup
    with snapshot(engine) as (conn, sqlite_copy):
        rows = _dump(conn)
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        book = workbook(Session(bind=conn)) if workbook is not None else None
    manifest = {"app": APP_NAME, "format": FORMAT_VERSION, "revision": revision,
                "created_at": started.isoformat(), "database": engine.dialect.name,
                "counts": {name: len(table_rows) for name, table_rows in rows.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, table_rows in rows.items():
            archive.writestr(f"tables/{name}.json", json.dumps(table_rows, ensure_ascii=False))
        if book is not None:
            archive.writestr("business-data.xlsx", book)
        if sqlite_copy is not None:
            archive.writestr("platform.sqlite", sqlite_copy)
    return buffer.getvalue()


Source = bytes | Path | BinaryIO


def _open(source: Source) -> zipfile.ZipFile:
    """The backup as a zip read from where it lies (a file is not read into memory whole)."""
    return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)


def read_manifest(source: Source) -> dict:
    """The backup's manifest, or a refusal naming what is wrong with the file."""
    try:
        with _open(source) as archive:
            info = archive.getinfo("manifest.json")
            if info.file_size > MANIFEST_MAX_BYTES:
                raise UserFacingError("backup.not_a_backup")
            manifest = json.loads(archive.read(info))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserFacingError("backup.not_a_backup") from exc
    if not isinstance(manifest, dict) or manifest.get("app") != APP_NAME or manifest.get("format") != FORMAT_VERSION:
        raise UserFacingError("backup.not_a_backup")
    return manifest


def check_restorable(engine: Engine, manifest: dict) -> None:
    known = {rev.revision for rev in db.ScriptDirectory.from_config(db.alembic_config()).walk_revisions()}
    if manifest.get("revision") not in known:
        raise UserFacingError("backup.newer_schema", revision=manifest.get("revision"))
    if manifest.get("revision") != db.current_revision(engine):
        raise UserFacingError("backup.other_schema", revision=manifest.get("revision"),
                              current=db.current_revision(engine))


def restore_backup(engine: Engine, source: Source) -> dict:
    """Replace every row with the backup's, in one transaction. Returns the manifest.

    Tables are read from the zip one at a time; anything the database refuses (a row that does
    not fit, a broken link between tables) becomes a message, and the live data stays as it was."""
    manifest = read_manifest(source)
    check_restorable(engine, manifest)
    try:
        with _open(source) as archive, db.session_scope(engine) as session:
            names = set(archive.namelist())
            if any(f"tables/{table.name}.json" not in names for table in _tables()):
                raise UserFacingError("backup.incomplete")
            conn = session.connection()
            for table in reversed(_tables()):
                conn.execute(table.delete())
            for table in _tables():
                try:
                    table_rows = json.loads(archive.read(f"tables/{table.name}.json"))
                except ValueError as exc:
                    raise UserFacingError("backup.incomplete") from exc
                table_rows = [{key: _decode(value) for key, value in row.items()} for row in table_rows]
                if table_rows:
                    conn.execute(table.insert(), table_rows)
            if engine.dialect.name == "postgresql":
                _reset_sequences(conn)
    except sa.exc.DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:300]
        raise UserFacingError("backup.restore_refused", reason=reason) from exc
    return manifest


def _reset_sequences(conn) -> None:
    for table in _tables():
        column = next(iter(table.primary_key.columns))
        if isinstance(column.type, sa.Integer) and column.autoincrement in (True, "auto"):
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))


def backup_to_dir(engine: Engine, folder: Path, *, keep: int = 14,
                  workbook: Callable[[Session], bytes] | None = None) -> Path:
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
