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

    @property
    def title_key(self) -> str:
        return f"page.{self.key}"

    @property
    def url_path(self) -> str:
        return self.key


PAGES: tuple[PageSpec, ...] = (
    PageSpec("portal", "pages/portal.py", ":material/home:", (PUBLIC, *ALL_ROLES)),
    PageSpec("login", "pages/login.py", ":material/login:", (PUBLIC,)),
    PageSpec("home", "pages/home.py", ":material/dashboard:", ALL_ROLES),
    PageSpec("members", "pages/members.py", ":material/apartment:", ALL_ROLES,
             "nav.section.group"),
    PageSpec("member_import", "pages/member_import.py", ":material/upload_file:", STAFF,
             "nav.section.group"),
    PageSpec("council", "pages/council.py", ":material/groups:", ALL_ROLES, "nav.section.group"),
    PageSpec("office", "pages/office.py", ":material/badge:", ALL_ROLES, "nav.section.group"),
    PageSpec("plan", "pages/plan.py", ":material/timeline:", ALL_ROLES, "nav.section.plan"),
    PageSpec("plan_update", "pages/plan_update.py", ":material/edit_calendar:", STAFF,
             "nav.section.plan"),
    PageSpec("plan_manage", "pages/plan_manage.py", ":material/account_tree:", STAFF,
             "nav.section.plan"),
    PageSpec("indicators", "pages/indicators.py", ":material/monitoring:", ALL_ROLES,
             "nav.section.indicators"),
    PageSpec("indicator_entry", "pages/indicator_entry.py", ":material/edit_note:",
             (Role.MEMBER, *STAFF), "nav.section.indicators"),
    PageSpec("indicator_review", "pages/indicator_review.py", ":material/fact_check:", STAFF,
             "nav.section.indicators"),
    PageSpec("indicator_import", "pages/indicator_import.py", ":material/upload_file:", STAFF,
             "nav.section.indicators"),
    PageSpec("indicator_completeness", "pages/indicator_completeness.py", ":material/grid_view:",
             (Role.COUNCIL, *STAFF), "nav.section.indicators"),
    PageSpec("indicator_catalogue", "pages/indicator_catalogue.py", ":material/list_alt:", STAFF,
             "nav.section.indicators"),
    PageSpec("inbox", "pages/inbox.py", ":material/mail:", ALL_ROLES, "nav.section.messages"),
    PageSpec("notices_manage", "pages/notices_manage.py", ":material/campaign:", STAFF,
             "nav.section.messages"),
    PageSpec("boards", "pages/boards.py", ":material/forum:", ALL_ROLES, "nav.section.messages"),
    PageSpec("users", "pages/users.py", ":material/manage_accounts:", (Role.ADMIN,),
             "nav.section.system"),
    PageSpec("audit", "pages/audit.py", ":material/history:", STAFF, "nav.section.system"),
    PageSpec("backup", "pages/backup.py", ":material/backup:", (Role.ADMIN,), "nav.section.system"),
    PageSpec("settings", "pages/settings.py", ":material/settings:", (Role.ADMIN,),
             "nav.section.system"),
    PageSpec("account", "pages/account.py", ":material/account_circle:", ALL_ROLES,
             "nav.section.personal"),
)
PAGES_BY_KEY = {page.key: page for page in PAGES}


def role_of(user) -> str:
    return PUBLIC if user is None else user.role


def pages_for(role: str) -> list[PageSpec]:
    return [page for page in PAGES if role in page.roles]


def default_page(role: str) -> str:
    return "portal" if role == PUBLIC else "home"


def may_open(role: str, page_key: str) -> bool:
    page = PAGES_BY_KEY.get(page_key)
    return page is not None and role in page.roles
