"""`python -m core ...`: the administrator's command line over the same core as the UI.

Exit status: 0 done; 1 refused (a rule said no, nothing written); 2 usage error;
3 the configuration or database cannot be used. `--json` prints a machine-readable summary.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Callable

from sqlmodel import select

from pathlib import Path

from core import audit, backup, db
from core.bootstrap import initialise
from core.config import load_settings
from core.demo import DEMO_SEED, seed_demo
from core.errors import UserFacingError
from core.i18n import translate
from core.models import MemberUnit
from core.services import business_export, users
from core.services.settings import put_setting
from core.timeutil import utcnow
from core.services.users import count_users

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core",
                                     description="Group platform administration")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="message language")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)

    database = commands.add_parser("db", help="database schema").add_subparsers(
        dest="action", required=True)
    database.add_parser("upgrade", help="create or upgrade the schema to the newest migration")
    database.add_parser("status", help="show the schema revision and the code's newest one")
    database.add_parser("init", help="upgrade, then load the demo or create the first admin "
                                     "as DEMO says (what the app does at start)")

    seed = commands.add_parser("seed", help="load data into an empty database")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo group")
    seed.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed")

    backup = commands.add_parser("backup", help="write a dated backup into a folder")
    backup.add_argument("folder")
    backup.add_argument("--keep", type=int, default=14, help="how many backups to keep (default 14)")
    restore = commands.add_parser("restore", help="replace all data with a backup's")
    restore.add_argument("file")
    restore.add_argument("--yes", action="store_true", required=True,
                         help="confirm that every row is replaced")

    user = commands.add_parser("user", help="user accounts").add_subparsers(
        dest="action", required=True)
    add = user.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=("admin", "secretariat", "council", "member"))
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--unit", help="member unit's credit code (role member)")
    add.add_argument("--no-force-change", action="store_true",
                     help="do not make the user change the password at first login")
    _password_args(add)
    passwd = user.add_parser("passwd", help="set a new password (ends the user's sessions)")
    passwd.add_argument("username")
    passwd.add_argument("--no-force-change", action="store_true")
    _password_args(passwd)
    for name, text in (("lock", "lock an account"), ("unlock", "unlock an account")):
        user.add_parser(name, help=text).add_argument("username")
    return parser


def _password_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input")
    group.add_argument("--password", help="the password (visible in the process list)")


def _read_password(args) -> str:
    if args.password is not None:
        return args.password
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise UserFacingError("password.mismatch")
    return first


def _run(args, engine, settings) -> dict:
    if args.command == "db":
        if args.action == "upgrade":
            return {"revision": db.upgrade(engine)}
        if args.action == "init":
            return {"result": initialise(engine, settings), "revision": db.current_revision(engine)}
        return {"revision": db.current_revision(engine), "head": db.head_revision()}
    db.upgrade(engine)
    if args.command == "backup":
        with db.session_scope(engine, write=False) as session:
            workbook = business_export.workbook(session, args.lang)
        path = backup.backup_to_dir(engine, Path(args.folder), keep=args.keep, workbook=workbook)
        with db.session_scope(engine) as session:
            put_setting(session, "last_backup_at", utcnow().isoformat())
        return {"file": str(path)}
    if args.command == "restore":
        try:
            content = Path(args.file).read_bytes()
        except OSError as exc:
            raise UserFacingError("cli.cannot_read", file=args.file) from exc
        manifest = backup.restore_backup(engine, content)
        with db.session_scope(engine) as session:
            audit.record(session, action="backup_restored", actor_name="cli", detail=manifest["created_at"])
        return {"restored": manifest["created_at"], "counts": manifest["counts"]}
    with db.session_scope(engine) as session:
        if args.command == "seed":
            if count_users(session):
                raise UserFacingError("cli.not_empty")
            return seed_demo(session, seed=args.seed, rounds=settings.bcrypt_rounds)
        return _user_command(args, session, settings)


def _user_command(args, session, settings) -> dict:
    actor = {"actor_name": "cli"}
    if args.action == "add":
        member_id = None
        if args.unit:
            unit = session.exec(select(MemberUnit).where(MemberUnit.credit_code == args.unit)).first()
            if unit is None:
                raise UserFacingError("user.unit_not_found")
            member_id = unit.id
        created = users.create_user(session, username=args.username, display_name=args.name,
                                    role=args.role, password=_read_password(args),
                                    member_id=member_id,
                                    must_change_password=not args.no_force_change,
                                    rounds=settings.bcrypt_rounds, **actor)
        return {"user": created.username, "role": created.role}
    if args.action == "passwd":
        changed = users.set_password(session, username=args.username, password=_read_password(args),
                                     must_change=not args.no_force_change,
                                     rounds=settings.bcrypt_rounds, **actor)
        return {"user": changed.username}
    action: Callable = users.lock_user if args.action == "lock" else users.unlock_user
    return {"user": action(session, username=args.username, **actor).username}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    say = lambda key, **params: translate(key, args.lang, **params)  # noqa: E731
    try:
        settings = load_settings()
        engine = db.make_engine(args.database_url or settings.database_url)
        summary = _run(args, engine, settings)
    except db.DatabaseError as error:
        return _report(args, EXIT_UNAVAILABLE, say(error.key, **error.params), error.key)
    except UserFacingError as error:
        status = EXIT_UNAVAILABLE if error.key.startswith("config.") else EXIT_REFUSED
        return _report(args, status, say(error.key, **error.params), error.key)
    message = say("cli.done")
    if args.json:
        print(json.dumps({"ok": True, "message": message, **summary}, ensure_ascii=False,
                         default=str))
    else:
        print(message, " ".join(f"{key}={value}" for key, value in summary.items()))
    return EXIT_OK


def _report(args, status: int, message: str, key: str) -> int:
    if args.json:
        print(json.dumps({"ok": False, "error": key, "message": message}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return status
