"""Every public service function of core's wings checks its caller (README, "Roles and security").

The page guard is not enough: a page can call any service, and so can the CLI. This walks every
public function of every wing and calls it the way an outsider would:
- with no caller at all, every function that takes one refuses (PermissionDenied);
- as a liaison, naming another unit's `member_id`, every function that takes one refuses;
- a function that reads the database without a caller is listed below with why it may.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from sqlmodel import select

from core.errors import PermissionDenied
from core.models import MemberUnit
from tests.pages_support import session_scope, user_for

ROOT = Path(__file__).resolve().parent.parent
WINGS = sorted(p.name for p in (ROOT / "core").iterdir()
               if p.is_dir() and (p / "__init__.py").exists() and p.name not in ("excel", "ui", "migrations"))
CALLER_NAMES = ("current", "user")
# Functions that take a session but no caller, and why that is right.
OPEN = {
    "core.group.council.terms": "council terms are public facts of the group (portal)",
    "core.group.council.seats": "who sits on the council is public (portal, every role)",
    "core.group.members.problems": "checks a form's values; called inside services that check the caller",
    "core.group.members.council_roles": "seat roles by unit: public council facts",
    "core.group.members.current_term": "the current council term: public",
    "core.group.members.options": "cities and types offered in filters: no unit data",
    "core.group.members.growth": "counts of joins per year for ids the caller's registry returned",
    "core.plan.exchange.export_pack": "the plan's progress pack: every logged-in role reads the plan",
    "core.plan.exchange.milestone_sheet": "part of export_pack and the business workbook",
    "core.plan.exchange.update_template": "the milestone list as a sheet to fill: plan data every role reads",
    "core.plan.tracking.plans": "the plan: every role reads it",
    "core.plan.tracking.current_plan": "the plan: every role reads it",
    "core.plan.tracking.milestones": "the plan: every role reads it",
    "core.plan.tracking.history": "a milestone's history: plan data every role reads",
    "core.plan.tracking.staff_id_of": "maps a user to their office record, for services that check",
    "core.plan.tracking.owners": "office staff owning milestones: shown on the plan to every role",
    "core.plan.tracking.indicators": "indicator names a milestone may link to (catalogue)",
    "core.plan.tracking.check_milestone": "checks a form's values; called inside services that check",
    "core.plan.tracking.tree_options": "the plan's areas and tasks for pickers",
    "core.plan.names.named_items": "the plan's names for the rename form: plan data every role reads",
    "core.indicators.analysis.years": "which years have data: no values",
    "core.indicators.catalogue.catalogue": "indicator definitions: every role reads them",
    "core.indicators.catalogue.by_code": "indicator definitions",
    "core.indicators.catalogue.reported_for": "which indicators a unit type reports (definitions)",
    "core.indicators.catalogue.targets": "the group's targets: every role reads them",
    "core.indicators.catalogue.reporting_years": "years open for reporting (settings)",
    "core.indicators.catalogue.windows": "reporting windows (dates)",
    "core.indicators.catalogue.window": "a reporting window (dates)",
    "core.indicators.completeness.expected_units": "which units must report a year (registry facts)",
    "core.indicators.completeness.expected_units_by_year": "expected_units for several years at once",
    "core.messages.common.check_audience": "checks an audience; called inside services that check",
    "core.messages.inbox.public_notices": "notices marked public, for the portal",
    "core.messages.notices.check_notice": "checks a notice's values; called inside services that check",
    "core.messages.system.send_system": "other modules' notifications, sent by services that checked",
    "core.system.users.create_user": "the CLI and start-up (operator); the admin page goes through admin_create",
    "core.system.users.set_password": "the CLI (operator); the admin page goes through admin_reset",
    "core.system.users.lock_user": "the CLI (operator); the admin page goes through admin_update",
    "core.system.users.unlock_user": "the CLI (operator)",
    "core.system.users.count_users": "start-up: is the database empty",
    "core.system.users.deactivate_demo_accounts": "start-up outside demo mode",
    "core.home.overview.headline": "the portal's public figures",
    "core.home.overview.public_members": "the portal's public member list",
    "core.home.overview.public_notices": "the portal's public notices",
    "core.ledgers.demo_ledgers.build": "writes the demo group's ledgers at start-up (no one is logged in)",
    "core.reports.demo_reports.build": "writes the demo group's profiles, a submission and report texts at start-up",
    "core.group.demo_committees.build": "writes the demo group's committees at start-up (no one is logged in)",
    "core.ledgers.entries.locked_years": "which years are locked: no entry data",
    "core.ledgers.entries.checked_fields": "checks an entry's values; called inside services that check the caller",
    "core.ledgers.query.unit_names": "member names for the query's pickers (the registry every role reads)",
    "core.ledgers.query.unit_choices": "member names for the form's pickers (the registry every role reads)",
    "core.ledgers.query.years": "years to offer in pickers: no entry data",
    "core.ledgers.reconcile.links": "which indicators a ledger feeds: catalogue definitions",
    "core.ledgers.tally.touch": "marks the tally of what a service (that checked its caller) wrote",
    "core.ledgers.tally.refresh": "recomputes counts at commit, of what checked services wrote",
    "core.ledgers.tally.refresh_all": "recomputes counts (demo, bulk loads): no caller data returned",
    "core.ledgers.bulk.insert": "writes the rows a service (that checked its caller) built",
    "core.ledgers.search_index.added": "marks the index rows of what a service (that checked its caller) wrote",
    "core.ledgers.search_index.index_added": "indexes the rows a service (that checked its caller) just inserted",
    "core.ledgers.search_index.changing": "marks the index rows of what a service (that checked its caller) changes",
    "core.ledgers.search_index.ready": "writes this transaction's marked index rows: no caller data returned",
    "core.ledgers.search_index.sync": "writes this transaction's marked index rows: no caller data returned",
    "core.meetings.demo_meetings.build": "writes the demo group's meetings at start-up (no one is logged in)",
    "core.meetings.screen.screen_deck": "a meeting room screen: its signed link is the permission; public slides only",
    "core.assessment.demo_assessment.build": "writes the demo group's assessment at start-up (no one is logged in)",
    "core.archive.demo_archive.build": "files the demo group's documents at start-up (no one is logged in)",
    "core.funds.demo_funds.build": "writes the demo group's books at start-up (no one is logged in)",
    "core.funds.funds.approval_threshold": "a setting: the amount above which expenses wait for approval",
    "core.funds.funds.payment_values": "checks a form's values; called inside services that check the caller",
    "core.funds.funds.expense_values": "checks a form's values; called inside services that check the caller",
    "core.resources.demo_resources.build": "writes the demo group's shared resources at start-up (no one is logged in)",
}
# Not services: they compute something for the user they are given, inside services that
# checked their caller first.
HELPERS = {
    "core.messages.common.audience_sql", "core.messages.common.member_type", "core.messages.inbox.may_read",
    "core.messages.boards.visible_topic", "core.ledgers.entries.may_see", "core.ledgers.entries.partners_of",
    "core.ledgers.query.partners_by_entry", "core.ledgers.exchange.rows",
    "core.meetings.meetings.may_see", "core.archive.archive.may_open", "core.funds.funds.is_director",
}
# Factories for arguments by name; a function needing anything else is called with what it has.
ARGS = {"year": 2021, "lang": "zh", "limit": 5, "values": {}, "expected_version": 1, "page": 1,
        "per_page": 5, "search": "", "plan_id": 1, "message_id": 1, "topic_id": 1, "post_id": 1,
        "attachment_id": 1, "milestone_id": 1, "term_id": 1, "indicator_id": 1, "user_id": 1,
        "staff_id": 1, "seat_id": 1, "entry_id": 1, "body": "x", "title": "x", "reason": "x",
        "content": b"", "filename": "x.xlsx", "name": "x", "frame": None, "filters": None, "kind": "x"}


def _service_functions():
    for wing in WINGS:
        package = importlib.import_module(f"core.{wing}")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"core.{wing}.{info.name}")
            for name, fn in inspect.getmembers(module, inspect.isfunction):
                if fn.__module__ == module.__name__ and not name.startswith("_") \
                        and f"{module.__name__}.{name}" not in HELPERS:
                    yield f"{module.__name__}.{name}", fn


def _params(fn) -> list[inspect.Parameter]:
    return list(inspect.signature(fn).parameters.values())


def _call(fn, session, caller, **given):
    args, kwargs = [], {}
    for param in _params(fn)[1:]:
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if param.name in CALLER_NAMES:
            value = caller
        elif param.name in given:
            value = given[param.name]
        elif param.default is not inspect.Parameter.empty:
            continue
        else:
            value = ARGS.get(param.name)
        if param.kind == inspect.Parameter.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return fn(session, *args, **kwargs)


def test_functions_reading_the_database_take_a_caller_or_say_why_not():
    missing = [name for name, fn in _service_functions()
               if (params := [p.name for p in _params(fn)]) and params[0] == "session"
               and not set(CALLER_NAMES) & set(params) and name not in OPEN]
    assert missing == []


def test_every_function_that_takes_a_caller_refuses_no_caller(demo_db_url):
    allowed = []
    walked = 0
    for name, fn in _service_functions():
        params = [p.name for p in _params(fn)]
        if not params or params[0] != "session" or not set(CALLER_NAMES) & set(params):
            continue
        walked += 1
        with session_scope(demo_db_url) as session:
            try:
                _call(fn, session, None)
            except PermissionDenied:
                continue
            except Exception:  # noqa: BLE001 - anything else means it went on without a caller
                pass
            allowed.append(name)
            session.rollback()
    assert walked > 40
    assert allowed == [name for name in allowed if name in NO_CALLER_OK]


# A caller of None is answered without data by these (the sidebar asks before login).
NO_CALLER_OK = {"core.messages.inbox.unread_count"}


def test_a_liaison_naming_another_unit_is_refused_everywhere(demo_db_url):
    liaison = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        other = session.exec(select(MemberUnit.id).where(MemberUnit.id != liaison.member_id)).first()
    walked, leaked = 0, []
    for name, fn in _service_functions():
        params = [p.name for p in _params(fn)]
        if "member_id" not in params or not set(CALLER_NAMES) & set(params):
            continue
        walked += 1
        with session_scope(demo_db_url) as session:
            try:
                _call(fn, session, liaison, member_id=other)
            except PermissionDenied:
                continue
            except Exception as error:  # noqa: BLE001 - went past the check and failed later
                leaked.append(f"{name}: {type(error).__name__}")
                continue
            finally:
                session.rollback()
            leaked.append(name)
    assert walked >= 5 and leaked == []
