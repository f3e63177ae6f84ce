"""Renaming a plan and its areas and tasks in Chinese and English (milestones are renamed with
their other fields on the milestone update page). A plan named before English names existed
gets them here; the English UI shows the Chinese, marked "(zh)", until it does."""
from __future__ import annotations

from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import StaleEditError
from core.display import bilingual
from core.errors import NotFound, ValidationFailed
from core.models import Plan, PlanArea, PlanTask

KINDS = {"plan": Plan, "plan_area": PlanArea, "plan_task": PlanTask}


def named_items(session: Session, plan_id: int, lang: str = "zh") -> list[dict]:
    """The plan, its areas and its tasks, in tree order: kind, id, label (numbered, in `lang`),
    and the names as stored (title, title_en) for the rename form."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        return []
    items = [{"kind": "plan", "id": plan.id, "label": bilingual(plan.title, plan.title_en, lang),
              "title": plan.title, "title_en": plan.title_en}]
    areas = session.exec(select(PlanArea).where(PlanArea.plan_id == plan_id).order_by(PlanArea.seq)).all()
    for area in areas:
        items.append({"kind": "plan_area", "id": area.id, "title": area.title, "title_en": area.title_en,
                      "label": f"{area.seq}. {bilingual(area.title, area.title_en, lang)}"})
        for task in session.exec(select(PlanTask).where(PlanTask.area_id == area.id).order_by(PlanTask.seq)).all():
            items.append({"kind": "plan_task", "id": task.id, "title": task.title, "title_en": task.title_en,
                          "label": f"{area.seq}.{task.seq} {bilingual(task.title, task.title_en, lang)}"})
    return items


def rename(session: Session, current: CurrentUser, *, kind: str, item_id: int, title: str, title_en: str,
           expected: tuple[str, str]) -> dict:
    """Set an item's Chinese and English names. `expected` is the pair the form showed: when the
    item was renamed meanwhile, the save is refused rather than overwriting. Returns the diff."""
    require_role(current, *STAFF_ROLES)
    model = KINDS.get(kind)
    row = session.get(model, item_id) if model else None
    if row is None:
        raise NotFound("plan.item_not_found")
    title, title_en = (title or "").strip(), (title_en or "").strip()
    if not title:
        raise ValidationFailed("plan.title_required")
    if (row.title, row.title_en) != tuple(expected):
        raise StaleEditError()
    before = {"title": row.title, "title_en": row.title_en}
    after = {"title": title, "title_en": title_en}
    diff = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not diff:
        return {}
    row.title, row.title_en = title, title_en
    session.add(row)
    audit.record(session, action="plan_renamed", actor_id=current.id, actor_name=current.username,
                 entity=kind, entity_id=item_id, before=before, after=after)
    return diff
