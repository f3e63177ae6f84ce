"""`python -m core ...`: the administrator's command line over the same core as the UI.

Exit status: 0 done; 1 refused (a rule said no, nothing written); 2 usage error;
3 the configuration or database cannot be used. `--json` prints a machine-readable summary.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path

from sqlmodel import select

from core import audit, db
from core.auth import acting_as, find_user
from core.bootstrap import initialise
from core.config import load_settings
from core.demo import DEMO_SEED, seed_demo
from core.errors import UserFacingError
from core.group import member_exchange, members
from core.i18n import translate
from core.indicators import exchange as indicator_exchange
from core.ledgers import exchange as ledger_exchange, ledger_import, query as ledger_query
from core.ledgers.kinds import CODES as LEDGER_KINDS
from core.models import MemberStatus, MemberType, MemberUnit, Plan, User
from core.plan import exchange as plan_exchange, tracking as plan_service
from core.reference import CITIES
from core.reports import commands as report_commands
from core.settings import excel_limits, put_setting
from core.system import backup, business_workbook, users
from core.system.users import count_users
from core.timeutil import china_today, utcnow

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

    template = commands.add_parser("template", help="write an empty (or pre-filled) import workbook")
    template.add_argument("kind", choices=EXCHANGE_KINDS)
    template.add_argument("file")
    template.add_argument("--member", help="values: the unit's credit code (default: every unit, long format)")
    template.add_argument("--year", type=int, help="values: the year (default: the reporting year)")
    template.add_argument("--kind", dest="ledger_kind", choices=LEDGER_KINDS, help="ledger: the kind (required)")
    export = commands.add_parser("export", help="write a formatted workbook of the data")
    export.add_argument("kind", choices=EXCHANGE_KINDS)
    export.add_argument("file")
    export.add_argument("--type", dest="types", action="append", default=[],
                        choices=[code.value for code in MemberType],
                        help="members: only this unit type (repeatable)")
    export.add_argument("--city", dest="cities", action="append", default=[],
                        help="members: only this city, e.g. 济南 or 济南市 (repeatable)")
    export.add_argument("--status", dest="statuses", action="append", default=[],
                        choices=[code.value for code in MemberStatus],
                        help="members: only this status (repeatable; default: every status)")
    export.add_argument("--year", type=int, help="values: the year (default: the reporting year)")
    export.add_argument("--plan", dest="plan_id", type=int,
                        help="milestones: the plan's id (default: the current plan)")
    export.add_argument("--kind", dest="ledger_kind", choices=LEDGER_KINDS,
                        help="ledger: only this kind (default: every kind, a sheet each)")
    load = commands.add_parser("import", help="import a workbook (its kind is recognised from it)")
    load.add_argument("file")
    load.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    load.add_argument("--only-valid", action="store_true", help="import the valid rows, skip rejected")
    load.add_argument("--as", dest="as_user", help="the account acting (default: an administrator)")
    load.add_argument("--kind", choices=EXCHANGE_KINDS,
                      help="what the file must be (default: recognised from its headers)")

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
    report_commands.add_parser(commands)
    _global_options_after_subcommand(parser)
    return parser


def _global_options_after_subcommand(parser: argparse.ArgumentParser) -> None:
    """`--json`, `--lang` and `--database-url` also after the subcommand
    (`python -m core import f.xlsx --json`). Their default is SUPPRESS, so an option left out
    after the subcommand keeps what was given before it."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for sub in set(action.choices.values()):
            if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                _global_options_after_subcommand(sub)
                continue
            sub.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                             help="print a JSON summary")
            sub.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS,
                             help="message language")
            sub.add_argument("--database-url", default=argparse.SUPPRESS,
                             help="overrides DATABASE_URL")


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
        path = backup.backup_to_dir(engine, Path(args.folder), keep=args.keep,
                                    workbook=lambda session: business_workbook.workbook(
                                        session, _admin_caller(session), args.lang))
        with db.session_scope(engine) as session:
            put_setting(session, "last_backup_at", utcnow().isoformat())
        return {"file": str(path)}
    if args.command == "restore":
        if not Path(args.file).is_file():
            raise UserFacingError("cli.cannot_read", file=args.file)
        with Path(args.file).open("rb") as content:  # read from the file, not into memory whole
            manifest = backup.restore_backup(engine, content)
        with db.session_scope(engine) as session:
            audit.record(session, action="backup_restored", actor_name="cli", detail=manifest["created_at"])
        return {"restored": manifest["created_at"], "counts": manifest["counts"]}
    if args.command in ("template", "export", "import"):
        return _exchange(args, engine)
    if args.command == "report":
        return report_commands.run(args, engine)
    with db.session_scope(engine) as session:
        if args.command == "seed":
            if count_users(session):
                raise UserFacingError("cli.not_empty")
            return seed_demo(session, seed=args.seed, rounds=settings.bcrypt_rounds)
        return _user_command(args, session, settings)


EXCHANGE_KINDS = ("members", "milestones", "values", "ledger")


def _exchange(args, engine) -> dict:
    """Templates, exports and imports: the same machinery and messages as the pages."""
    if args.command in ("template", "export"):
        rows = None
        with db.session_scope(engine, write=False) as session:
            current_plan = plan_service.current_plan(session)
            if args.kind == "milestones" and getattr(args, "plan_id", None):
                current_plan = session.get(Plan, args.plan_id)
                if current_plan is None:
                    raise UserFacingError("cli.unknown_plan", plan=args.plan_id)
            if args.kind == "milestones" and current_plan is None:
                raise UserFacingError("plan.no_plans")
            if args.kind == "ledger":
                content, rows = _ledger_workbook(session, args)
            elif args.kind == "values":
                content = _values_workbook(session, args)
            elif args.kind == "members" and args.command == "template":
                content = member_exchange.template(args.lang)
            elif args.kind == "members":
                frame = members.registry(session, _admin_caller(session), _member_filter(args))
                content, rows = member_exchange.export_workbook(session, _admin_caller(session), frame, args.lang), len(frame)
            elif args.command == "template":
                content = plan_exchange.update_template(session, current_plan.id, lang=args.lang)
            else:
                content = plan_exchange.export_pack(session, current_plan.id, as_of=china_today(),
                                                    lang=args.lang)
        Path(args.file).write_bytes(content)
        return {"file": args.file, "bytes": len(content), **({"rows": rows} if rows is not None else {})}
    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        raise UserFacingError("cli.cannot_read", file=args.file) from exc
    name = Path(args.file).name
    with db.session_scope(engine, write=False) as session:
        limits = excel_limits(session)
    kind = args.kind or _recognise(content, name, limits)
    with db.session_scope(engine, write=not args.dry_run) as session:
        if args.as_user:
            user = find_user(session, args.as_user)
            if user is None:
                raise UserFacingError("user.not_found", username=args.as_user)
            caller = acting_as(user)
        else:
            caller = _admin_caller(session)
        planner, committer = {
            "ledger": (ledger_import.plan, ledger_import.commit),
            "members": (member_exchange.plan, member_exchange.commit),
            "milestones": (plan_exchange.plan_updates, plan_exchange.commit_updates),
            "values": (indicator_exchange.plan, indicator_exchange.commit)}[kind]
        preview = planner(session, caller, content, name)
        if preview is None:
            raise UserFacingError("cli.unknown_workbook")
        summary = {**preview.summary(), "rejects": [
            {"sheet": r.sheet, "row": r.row, "column": r.column,
             "reason": translate(r.key, args.lang, **r.params)} for r in preview.rejects]}
        if args.dry_run:
            if preview.rejects:
                raise _Refused(summary, "excel.has_rejects", rows=preview.rejected_rows)
            return {**summary, "dry_run": True}
        try:
            batch = committer(session, caller, preview, only_valid=args.only_valid)
        except UserFacingError as error:
            if error.key == "excel.nothing_to_do" and not preview.rejects:
                # Everything already as the file says: what was asked is done.
                return {**summary, "nothing_to_do": True,
                        "_message": (error.key, error.params)}
            raise _Refused(summary, error.key, **error.params) from error
        return {**summary, "batch": batch.id}


class _Refused(UserFacingError):
    """A refusal that still reports what the dry run found."""

    def __init__(self, summary: dict, key: str, **params) -> None:
        super().__init__(key, **params)
        self.summary = summary


def _member_filter(args) -> members.RegistryFilter:
    """`--type/--city/--status`; a city may be given without its 市 (济南 for 济南市)."""
    cities = []
    for city in args.cities:
        city = city.strip()
        if city not in CITIES and f"{city}市" in CITIES:
            city = f"{city}市"
        if city not in CITIES:
            raise UserFacingError("member.unknown_city", value=city)
        cities.append(city)
    return members.RegistryFilter(types=args.types, cities=cities, statuses=args.statuses,
                                  include_exited=True)


def _recognise(content: bytes, name: str, limits) -> str:
    from core.excel.reader import check_bytes, find_table, read_sheets

    check_bytes(content, name, limits)
    sheets = read_sheets(content, limits)
    for kind, spec in (("members", member_exchange.MEMBER_IMPORT),
                       ("milestones", plan_exchange.MILESTONE_IMPORT),
                       ("values", indicator_exchange.VALUES_IMPORT)):
        if find_table(sheets, spec.aliases, spec.required) is not None:
            return kind
    if ledger_import.recognise(sheets):
        return "ledger"
    raise UserFacingError("cli.unknown_workbook")


def _ledger_workbook(session, args) -> tuple[bytes, int | None]:
    """`template ledger --kind K` (an empty template) or `export ledger [--kind K] [--year Y]`."""
    caller = _admin_caller(session)
    if args.command == "template":
        if not args.ledger_kind:
            raise UserFacingError("cli.ledger_kind_required", kinds=", ".join(LEDGER_KINDS))
        return ledger_exchange.template(session, caller, kind=args.ledger_kind, lang=args.lang), None
    flt = ledger_query.LedgerFilter(kinds=(args.ledger_kind,) if args.ledger_kind else (),
                                    years=(args.year,) if args.year else ())
    return (ledger_exchange.export_workbook(session, caller, flt, args.lang),
            ledger_query.count(session, caller, flt))


def _values_workbook(session, args) -> bytes:
    """`template values --member CODE`: that unit's sheet; otherwise every unit in long format."""
    caller = _admin_caller(session)
    year = args.year or indicator_exchange.default_year(session)
    if args.command == "template" and args.member:
        code = args.member.strip().upper()
        unit = session.exec(select(MemberUnit).where(MemberUnit.credit_code == code)).first()
        if unit is None:
            raise UserFacingError("values_import.unknown_unit", value=args.member)
        return indicator_exchange.template(session, caller, member_id=unit.id, year=year, lang=args.lang)
    return indicator_exchange.export_workbook(session, caller, year=year,
                                              types=getattr(args, "types", []), lang=args.lang)


def _admin_caller(session):
    admin = session.exec(select(User).where(User.role == "admin", User.active)).first()
    if admin is None:
        raise UserFacingError("user.not_found", username="admin")
    return acting_as(admin)


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
    say = lambda key, **params: translate(key, args.lang, **params)
    try:
        settings = load_settings()
        engine = db.make_engine(args.database_url or settings.database_url)
        summary = _run(args, engine, settings)
    except db.DatabaseError as error:
        return _report(args, EXIT_UNAVAILABLE, say(error.key, **error.params), error.key)
    except UserFacingError as error:
        status = EXIT_UNAVAILABLE if error.key.startswith("config.") else EXIT_REFUSED
        return _report(args, status, say(error.key, **error.params), error.key,
                       getattr(error, "summary", None))
    key, params = summary.pop("_message", ("cli.done", {}))
    message = say(key, **params)
    if args.json:
        print(json.dumps({"ok": True, "message": message, **summary}, ensure_ascii=False,
                         default=str))
    else:
        print(message, " ".join(f"{key}={value}" for key, value in summary.items()))
    return EXIT_OK


def _report(args, status: int, message: str, key: str, summary: dict | None = None) -> int:
    if args.json:
        print(json.dumps({"ok": False, "error": key, "message": message, **(summary or {})},
                         ensure_ascii=False, default=str))
    else:
        for reject in (summary or {}).get("rejects", []):
            print(f"{reject['sheet']}!{reject['row']} {reject['column']}: {reject['reason']}",
                  file=sys.stderr)
        print(message, file=sys.stderr)
    return status
