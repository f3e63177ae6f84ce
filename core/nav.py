"""The page registry: which screen exists, where its script is, and which roles may open it.

app.py builds st.navigation from it and every page's guard checks it, so the two can never
disagree; tests walk it to open every page as every role.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.models import Role

PUBLIC = "public"
ALL_ROLES = (Role.COUNCIL, Role.SECRETARIAT, Role.MEMBER, Role.ADMIN)
STAFF = (Role.SECRETARIAT, Role.ADMIN)


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    icon: str
    roles: tuple[str, ...]
    section: str = "nav.section.main"
    # False: opened only through a link (e.g. a meeting room screen's signed URL), never listed
    # in anyone's navigation; its guard still decides who may open it.
    listed: bool = True

    @property
    def title_key(self) -> str:
        return f"page.{self.key}"

    @property
    def url_path(self) -> str:
        return self.key


PAGES: tuple[PageSpec, ...] = (
    PageSpec("portal", "app_pages/home/portal.py", ":material/home:", (PUBLIC, *ALL_ROLES)),
    PageSpec("login", "app_pages/account/login.py", ":material/login:", (PUBLIC,)),
    PageSpec("home", "app_pages/home/home.py", ":material/dashboard:", ALL_ROLES),
    PageSpec("members", "app_pages/group/members.py", ":material/apartment:", ALL_ROLES,
             "nav.section.group"),
    PageSpec("member_import", "app_pages/group/member_import.py", ":material/upload_file:", STAFF,
             "nav.section.group"),
    PageSpec("council", "app_pages/group/council.py", ":material/groups:", ALL_ROLES, "nav.section.group"),
    PageSpec("office", "app_pages/group/office.py", ":material/badge:", ALL_ROLES, "nav.section.group"),
    PageSpec("plan", "app_pages/plan/progress.py", ":material/timeline:", ALL_ROLES, "nav.section.plan"),
    PageSpec("plan_update", "app_pages/plan/update.py", ":material/edit_calendar:", STAFF,
             "nav.section.plan"),
    PageSpec("plan_manage", "app_pages/plan/manage.py", ":material/account_tree:", STAFF,
             "nav.section.plan"),
    PageSpec("indicators", "app_pages/indicators/analysis.py", ":material/monitoring:", ALL_ROLES,
             "nav.section.indicators"),
    PageSpec("indicator_entry", "app_pages/indicators/entry.py", ":material/edit_note:",
             (Role.MEMBER, *STAFF), "nav.section.indicators"),
    PageSpec("indicator_review", "app_pages/indicators/review.py", ":material/fact_check:", STAFF,
             "nav.section.indicators"),
    PageSpec("indicator_import", "app_pages/indicators/values_import.py", ":material/upload_file:", STAFF,
             "nav.section.indicators"),
    PageSpec("indicator_completeness", "app_pages/indicators/completeness.py", ":material/grid_view:",
             (Role.COUNCIL, *STAFF), "nav.section.indicators"),
    PageSpec("indicator_catalogue", "app_pages/indicators/catalogue.py", ":material/list_alt:", STAFF,
             "nav.section.indicators"),
    PageSpec("ledgers", "app_pages/ledgers/query.py", ":material/table_view:", ALL_ROLES, "nav.section.ledgers"),
    PageSpec("ledger_record", "app_pages/ledgers/record.py", ":material/post_add:", (Role.MEMBER, *STAFF),
             "nav.section.ledgers"),
    PageSpec("ledger_confirm", "app_pages/ledgers/confirm.py", ":material/handshake:", (Role.MEMBER, *STAFF),
             "nav.section.ledgers"),
    PageSpec("ledger_import", "app_pages/ledgers/excel.py", ":material/upload_file:", (Role.MEMBER, *STAFF),
             "nav.section.ledgers"),
    PageSpec("ledger_reconcile", "app_pages/ledgers/reconcile.py", ":material/rule:", (Role.COUNCIL, *STAFF),
             "nav.section.ledgers"),
    PageSpec("report_summary", "app_pages/reports/summary.py", ":material/summarize:", ALL_ROLES,
             "nav.section.reports"),
    PageSpec("report_profile", "app_pages/reports/profile.py", ":material/corporate_fare:", STAFF,
             "nav.section.reports"),
    PageSpec("report_platform", "app_pages/reports/platform.py", ":material/cloud_upload:", STAFF,
             "nav.section.reports"),
    PageSpec("report_annual", "app_pages/reports/annual.py", ":material/menu_book:", (Role.COUNCIL, *STAFF),
             "nav.section.reports"),
    PageSpec("inbox", "app_pages/messages/inbox.py", ":material/mail:", ALL_ROLES, "nav.section.messages"),
    PageSpec("notices_manage", "app_pages/messages/notices_manage.py", ":material/campaign:", STAFF,
             "nav.section.messages"),
    PageSpec("boards", "app_pages/messages/boards.py", ":material/forum:", ALL_ROLES, "nav.section.messages"),
    PageSpec("meetings", "app_pages/meetings/meetings.py", ":material/event:", ALL_ROLES, "nav.section.meetings"),
    PageSpec("meeting_actions", "app_pages/meetings/actions.py", ":material/task_alt:", ALL_ROLES,
             "nav.section.meetings"),
    PageSpec("meeting_manage", "app_pages/meetings/manage.py", ":material/edit_calendar:", STAFF,
             "nav.section.meetings"),
    PageSpec("briefings", "app_pages/meetings/briefings.py", ":material/newspaper:", STAFF,
             "nav.section.meetings"),
    PageSpec("meeting_mode", "app_pages/meetings/present.py", ":material/slideshow:", (Role.COUNCIL, *STAFF),
             "nav.section.meetings"),
    PageSpec("meeting_screen", "app_pages/meetings/screen.py", ":material/tv:", (PUBLIC, *ALL_ROLES),
             "nav.section.meetings", listed=False),
    PageSpec("assessment_ranking", "app_pages/assessment/ranking.py", ":material/leaderboard:", (Role.COUNCIL, *STAFF),
             "nav.section.assessment"),
    PageSpec("assessment_mine", "app_pages/assessment/mine.py", ":material/workspace_premium:", (Role.MEMBER,),
             "nav.section.assessment"),
    PageSpec("awards", "app_pages/assessment/awards.py", ":material/military_tech:", ALL_ROLES,
             "nav.section.assessment"),
    PageSpec("network", "app_pages/assessment/network.py", ":material/hub:", ALL_ROLES, "nav.section.assessment"),
    PageSpec("engagement", "app_pages/assessment/engagement.py", ":material/person_search:", (Role.COUNCIL, *STAFF),
             "nav.section.assessment"),
    PageSpec("assessment_schemes", "app_pages/assessment/schemes.py", ":material/rule_settings:", STAFF,
             "nav.section.assessment"),
    PageSpec("resources", "app_pages/resources/catalogue.py", ":material/inventory_2:", ALL_ROLES,
             "nav.section.resources"),
    PageSpec("resource_requests", "app_pages/resources/requests.py", ":material/swap_horiz:", ALL_ROLES,
             "nav.section.resources"),
    PageSpec("resource_offers", "app_pages/resources/offers.py", ":material/add_business:", (Role.MEMBER, *STAFF),
             "nav.section.resources"),
    PageSpec("resource_figures", "app_pages/resources/figures.py", ":material/insights:", ALL_ROLES,
             "nav.section.resources"),
    PageSpec("archive", "app_pages/archive/archive.py", ":material/inventory:", ALL_ROLES, "nav.section.archive"),
    PageSpec("funds", "app_pages/funds/funds.py", ":material/account_balance_wallet:", ALL_ROLES, "nav.section.funds"),
    PageSpec("users", "app_pages/system/users.py", ":material/manage_accounts:", (Role.ADMIN,),
             "nav.section.system"),
    PageSpec("audit", "app_pages/system/audit.py", ":material/history:", STAFF, "nav.section.system"),
    PageSpec("backup", "app_pages/system/backup.py", ":material/backup:", (Role.ADMIN,), "nav.section.system"),
    PageSpec("settings", "app_pages/system/settings.py", ":material/settings:", (Role.ADMIN,),
             "nav.section.system"),
    PageSpec("account", "app_pages/account/account.py", ":material/account_circle:", ALL_ROLES,
             "nav.section.personal"),
)
PAGES_BY_KEY = {page.key: page for page in PAGES}


def role_of(user) -> str:
    return PUBLIC if user is None else user.role


def pages_for(role: str) -> list[PageSpec]:
    """The role's navigation: the listed pages it may open."""
    return [page for page in PAGES if role in page.roles and page.listed]


def default_page(role: str) -> str:
    return "portal" if role == PUBLIC else "home"


def may_open(role: str, page_key: str) -> bool:
    page = PAGES_BY_KEY.get(page_key)
    return page is not None and role in page.roles
