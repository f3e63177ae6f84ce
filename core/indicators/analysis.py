"""Indicator analysis (指标分析): group totals against targets, trends, breakdowns, pivot, drill-down.

Every total is a GROUP BY in the database (the values table can hold millions of rows); pandas
only arranges the handful of aggregated rows. Only approved values count, unless the caller's
role may include pending (submitted) ones. Derived indicators are evaluated on the aggregated
inputs, so "employment rate" is total employed / total graduates, not an average of rates.
"""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, func, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import PermissionDenied
from core.indicators.catalogue import evaluate_all, formula_codes
from core.models import Aggregation, Indicator, IndicatorTarget, IndicatorValue, MemberUnit, Role, ValueStatus

PENDING_ROLES = (*STAFF_ROLES, Role.COUNCIL)
DRILL_ROLES = (*STAFF_ROLES, Role.COUNCIL)
GREEN_AT, AMBER_AT = 1.0, 0.9
# A group of fewer units than this would show those units' own figures to a role that may not
# drill down to units (a city with one school is that school), so such groups are left out.
MIN_GROUP_UNITS = 3


def statuses(current: CurrentUser | None, include_pending: bool) -> list[str]:
    """Which reports count for the caller: approved ones, with submitted ones for those who may
    see pending data. Every analysis asks this first, so none answers without a login."""
    require_role(current, *Role)
    if include_pending and current is not None and current.role in PENDING_ROLES:
        return [ValueStatus.APPROVED, ValueStatus.SUBMITTED]
    return [ValueStatus.APPROVED]


def _catalogue(session: Session) -> list[Indicator]:
    return list(session.exec(select(Indicator).where(Indicator.active)
                             .order_by(Indicator.sort_order, Indicator.code)).all())


def _aggregate(session: Session, wanted: list[str], *, by: list, where: list) -> pd.DataFrame:
    """SUM, AVG and the latest value of each indicator per group, computed by the database.

    The latest value needs a window over the rows, so it is computed only for the few
    indicators that aggregate that way, not over the whole values table.
    """
    filters = [IndicatorValue.status.in_(wanted), IndicatorValue.value.is_not(None), *where]
    # Year first: the order of the covering index (migration 0002), which SQLite then reads
    # alone; grouping by indicator first makes it walk another index over every row instead.
    keys = [IndicatorValue.year, IndicatorValue.indicator_id, *by]
    names = ["year", "indicator_id", *[col.key for col in by]]
    query = select(*keys, func.sum(IndicatorValue.value), func.avg(IndicatorValue.value), func.count())
    if by:  # the members table only when grouping by one of its columns
        query = query.join(MemberUnit, MemberUnit.id == IndicatorValue.member_id)
    query = query.where(*filters).group_by(*keys)
    frame = pd.DataFrame([tuple(row) for row in session.exec(query).all()],
                         columns=[*names, "sum", "avg", "units"])
    latest_ids = session.exec(select(Indicator.id).where(Indicator.aggregation == Aggregation.LATEST)).all()
    frame["latest"] = None
    if latest_ids and not frame.empty:
        rank = func.row_number().over(partition_by=keys, order_by=(IndicatorValue.updated_at.desc(),
                                                                   IndicatorValue.id.desc())).label("rn")
        ranked = (select(*keys, IndicatorValue.value, rank)
                  .join(MemberUnit, MemberUnit.id == IndicatorValue.member_id)
                  .where(*filters, IndicatorValue.indicator_id.in_(latest_ids)).subquery())
        rows = session.exec(select(*[ranked.c[name] for name in names], ranked.c.value)
                            .where(ranked.c.rn == 1)).all()
        latest = {tuple(row[:-1]): row[-1] for row in rows}
        frame["latest"] = [latest.get(tuple(key)) for key in frame[names].itertuples(index=False)]
    return frame


def _with_derived(frame: pd.DataFrame, catalogue: list[Indicator], group: list[str]) -> pd.DataFrame:
    """Pick each indicator's aggregation and add derived ones, evaluated per group."""
    by_id = {i.id: i for i in catalogue}
    frame = frame[frame["indicator_id"].isin(by_id)].copy()
    how = frame["indicator_id"].map({i: by_id[i].aggregation for i in by_id})
    frame["value"] = frame["sum"].where(how == Aggregation.SUM,
                                        frame["avg"].where(how == Aggregation.AVERAGE, frame["latest"]))
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["code"] = frame["indicator_id"].map({i: by_id[i].code for i in by_id})
    out = [frame[["indicator_id", "code", "year", *group, "value", "units"]]]
    derived = [i for i in catalogue if i.formula]
    if derived and not frame.empty:
        wide = frame.pivot_table(index=["year", *group], columns="code", values="value", aggfunc="first")
        # A derived figure stands on the units of its group (for hiding groups that are too small).
        group_units = frame.groupby(["year", *group])["units"].max().to_dict()
        rows = []
        for key, values in wide.iterrows():
            key = key if isinstance(key, tuple) else (key,)
            computed = evaluate_all(derived, values.to_dict())
            for indicator in derived:
                rows.append({"indicator_id": indicator.id, "code": indicator.code,
                             **dict(zip(["year", *group], key)), "value": computed[indicator.code],
                             "units": group_units.get(key if len(key) > 1 else key[0])})
        out.append(pd.DataFrame(rows))
    result = pd.concat(out, ignore_index=True) if len(out) > 1 else out[0]
    return result.assign(value=pd.to_numeric(result["value"], errors="coerce"))


def totals(session: Session, current: CurrentUser | None, *, include_pending: bool = False,
           years: list[int] | None = None) -> pd.DataFrame:
    """Group totals per indicator and year: indicator_id, code, year, value, units."""
    wanted = statuses(current, include_pending)
    where = [] if years is None else [IndicatorValue.year.in_(years)]
    return _with_derived(_aggregate(session, wanted, by=[], where=where), _catalogue(session), [])


def years(session: Session) -> list[int]:
    """The years that hold values, newest first."""
    return sorted(session.exec(select(IndicatorValue.year).distinct()).all(), reverse=True)


def scorecard(session: Session, current: CurrentUser | None, *, year: int,
              include_pending: bool = False) -> pd.DataFrame:
    """Each indicator's group total for the year beside its target, with progress and RAG."""
    catalogue = _catalogue(session)
    all_totals = totals(session, current, include_pending=include_pending, years=[year - 1, year])
    now = all_totals[all_totals["year"] == year].set_index("indicator_id")["value"].to_dict()
    before = all_totals[all_totals["year"] == year - 1].set_index("indicator_id")["value"].to_dict()
    goal = dict(session.exec(select(IndicatorTarget.indicator_id, IndicatorTarget.target_value)
                             .where(IndicatorTarget.year == year)).all())
    rows = []
    for i in catalogue:
        value, target = now.get(i.id), goal.get(i.id)
        ratio = _ratio(value, target, i.higher_is_better)
        rows.append({"indicator_id": i.id, "code": i.code, "name_zh": i.name_zh, "name_en": i.name_en,
                     "unit_zh": i.unit_zh, "unit_en": i.unit_en, "category": i.category,
                     "decimals": i.decimals, "derived": bool(i.formula), "value": value,
                     "last_year": before.get(i.id), "target": target,
                     "progress": None if ratio is None else ratio * 100,
                     # a target with nothing (approved) against it yet is not "no target"
                     "rag": "no_data" if target is not None and (value is None or pd.isna(value))
                     else _rag(ratio)})
    frame = pd.DataFrame(rows)
    # Figures stay numbers (NaN where there is none), whatever the year holds: a year without
    # targets, without data or with one report must not turn a column into "object" of Nones.
    for column in ("value", "last_year", "target", "progress"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def _ratio(value, target, higher_is_better: bool) -> float | None:
    if value is None or pd.isna(value) or target is None or pd.isna(target):
        return None
    if higher_is_better:
        return None if target == 0 else value / target
    if value == 0:  # nothing at all of what should be low: the target is met
        return 1.0
    return target / value


def _rag(ratio: float | None) -> str:
    if ratio is None:
        return "none"
    return "green" if ratio >= GREEN_AT else ("amber" if ratio >= AMBER_AT else "red")


def trend(session: Session, current: CurrentUser | None, *, indicator_id: int,
          include_pending: bool = False) -> pd.DataFrame:
    """Year, value, target of one indicator."""
    all_totals = totals(session, current, include_pending=include_pending)
    mine = all_totals[all_totals["indicator_id"] == indicator_id][["year", "value"]]
    goal = pd.DataFrame(session.exec(select(IndicatorTarget.year, IndicatorTarget.target_value)
                                     .where(IndicatorTarget.indicator_id == indicator_id)).all(),
                        columns=["year", "target"])
    return mine.merge(goal, on="year", how="outer").sort_values("year", ignore_index=True)


def _inputs(session: Session, indicator_id: int) -> tuple[Indicator, list[Indicator], list[Indicator]]:
    """An indicator, the reported indicators it is computed from (itself when reported) and the
    derived ones on the way (itself when derived), following formulas of formulas."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None or not indicator.formula:
        return indicator, [indicator] if indicator else [], []
    by_code = {row.code: row for row in session.exec(select(Indicator)).all()}
    reported, derived, stack = {}, {indicator.code: indicator}, [indicator]
    while stack:
        for code in formula_codes(stack.pop().formula):
            row = by_code.get(code)
            if row is None or code in reported or code in derived:
                continue
            if row.formula:
                derived[code] = row
                stack.append(row)
            else:
                reported[code] = row
    return indicator, list(reported.values()), list(derived.values())


def breakdown(session: Session, current: CurrentUser | None, *, indicator_id: int, year: int,
              by: str, include_pending: bool = False) -> pd.DataFrame:
    """One indicator for one year per member type or per city: group, value, units."""
    wanted = statuses(current, include_pending)
    column = {"unit_type": MemberUnit.unit_type, "city": MemberUnit.city}[by]
    indicator, needed, derived = _inputs(session, indicator_id)
    if indicator is None:
        return pd.DataFrame(columns=[by, "value", "units"])
    raw = _aggregate(session, wanted, by=[column],
                     where=[IndicatorValue.year == year,
                            IndicatorValue.indicator_id.in_([i.id for i in needed])])
    frame = _with_derived(raw, [*needed, *derived], [by])
    frame = _small_groups_hidden(current, frame[frame["indicator_id"] == indicator_id])
    shown = frame[[by, "value", "units"]].sort_values("value", ascending=False, ignore_index=True)
    shown.attrs["suppressed"] = frame.attrs.get("suppressed", 0)
    return shown


def _small_groups_hidden(current: CurrentUser, frame: pd.DataFrame) -> pd.DataFrame:
    """Groups of fewer than MIN_GROUP_UNITS units left out for roles without drill-down; how
    many were left out is in frame.attrs["suppressed"]."""
    if current.role in DRILL_ROLES or frame.empty:
        frame.attrs["suppressed"] = 0
        return frame
    small = pd.to_numeric(frame["units"], errors="coerce").fillna(0) < MIN_GROUP_UNITS
    kept = frame[~small].copy()
    kept.attrs["suppressed"] = int(small.sum())
    return kept


def pivot(session: Session, current: CurrentUser | None, *, include_pending: bool = False) -> pd.DataFrame:
    """Long frame indicator × year × member type: indicator_id, code, year, unit_type, value, units."""
    raw = _aggregate(session, statuses(current, include_pending), by=[MemberUnit.unit_type], where=[])
    return _small_groups_hidden(current, _with_derived(raw, _catalogue(session), ["unit_type"]))


def drill(session: Session, current: CurrentUser | None, *, indicator_id: int, year: int,
          unit_type: str | None = None, include_pending: bool = False) -> pd.DataFrame:
    """The units behind a total: member_id, unit, unit_type, city, value (not for liaisons)."""
    if current is None or current.role not in DRILL_ROLES:
        raise PermissionDenied("indicator.drill_forbidden")
    indicator, needed, derived = _inputs(session, indicator_id)
    if indicator is None:
        return pd.DataFrame(columns=["member_id", "unit", "unit_type", "city", "value"])
    query = (select(IndicatorValue.member_id, MemberUnit.name, MemberUnit.unit_type, MemberUnit.city,
                    Indicator.code, IndicatorValue.value)
             .join(MemberUnit, MemberUnit.id == IndicatorValue.member_id)
             .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
             .where(IndicatorValue.year == year, IndicatorValue.indicator_id.in_([i.id for i in needed]),
                    IndicatorValue.status.in_(statuses(current, include_pending))))
    if unit_type:
        query = query.where(MemberUnit.unit_type == unit_type)
    raw = pd.DataFrame(session.exec(query).all(),
                       columns=["member_id", "unit", "unit_type", "city", "code", "value"])
    if raw.empty:
        return raw.drop(columns="code")
    wide = raw.pivot_table(index=["member_id", "unit", "unit_type", "city"], columns="code",
                           values="value", aggfunc="first").reset_index()
    if indicator.formula:
        wide["value"] = [evaluate_all(derived, row.to_dict())[indicator.code] for _, row in wide.iterrows()]
    else:
        wide["value"] = wide[indicator.code]
    return (wide[["member_id", "unit", "unit_type", "city", "value"]]
            .sort_values("value", ascending=False, ignore_index=True))


def unit_values(session: Session, current: CurrentUser | None, *, member_id: int,
                include_pending: bool = False) -> pd.DataFrame:
    """A unit's indicators over the years (code × year), derived ones included.

    A liaison sees its own unit in every status; others see what `statuses` allows them.
    """
    if current is None:
        raise PermissionDenied("auth.login_required")
    if current.role == Role.MEMBER and current.member_id != member_id:
        raise PermissionDenied("auth.not_your_unit")
    wanted = list(ValueStatus) if current.role == Role.MEMBER or current.role in STAFF_ROLES \
        else statuses(current, include_pending)
    raw = _aggregate(session, wanted, by=[], where=[IndicatorValue.member_id == member_id])
    return _with_derived(raw, _catalogue(session), [])
