"""The collaboration network (协作网络): member units as nodes, confirmed ledger cooperation as
edges (an entry of one unit confirmed by a member partner links the two, weighted by how many
entries), laid out with networkx; the figures that answer 「集而不团」 year over year.

Confirmed entries are visible to every role (core/ledgers/query), so every role sees the network.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import networkx as nx
import pandas as pd
from sqlmodel import Session, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.models import LedgerEntry, LedgerPartner, MemberStatus, MemberType, MemberUnit, Role

EVERYONE = (*STAFF_ROLES, Role.COUNCIL, Role.MEMBER)
LAYOUT_SEED = 7  # the same picture on every visit


@dataclass(frozen=True)
class Network:
    nodes: pd.DataFrame     # member_id, unit, unit_type, activity, partners, weight, x, y
    edges: pd.DataFrame     # a, b, unit_a, unit_b, type_a, type_b, weight, x, y, x2, y2
    isolated: pd.DataFrame  # member units with no confirmed partner
    weak: pd.DataFrame      # one partner through a single entry


def _pairs(session: Session, *, years: list[int] | None, kind: str | None) -> pd.DataFrame:
    query = select(LedgerEntry.year, LedgerEntry.member_id, LedgerPartner.member_id).join(
        LedgerPartner, LedgerPartner.entry_id == LedgerEntry.id).where(
        LedgerEntry.status == "confirmed", LedgerPartner.confirmation == "confirmed",
        LedgerPartner.member_id.is_not(None), LedgerEntry.member_id.is_not(None),
        LedgerPartner.member_id != LedgerEntry.member_id)
    if years:
        query = query.where(LedgerEntry.year.in_(years))
    if kind:
        query = query.where(LedgerEntry.kind == kind)
    frame = pd.DataFrame([tuple(r) for r in session.exec(query).all()], columns=["year", "author", "partner"])
    frame["a"] = frame[["author", "partner"]].min(axis=1)
    frame["b"] = frame[["author", "partner"]].max(axis=1)
    return frame


def _members_in(session: Session, year: int | None) -> pd.DataFrame:
    rows = session.exec(select(MemberUnit.id, MemberUnit.name, MemberUnit.unit_type, MemberUnit.joined_on,
                               MemberUnit.exited_on, MemberUnit.status)
                        .where(MemberUnit.status != MemberStatus.APPLICANT)).all()
    out = []
    for member_id, name, unit_type, joined, exited, status in rows:
        if year is None:
            keep = status == MemberStatus.ACTIVE
        else:
            keep = joined is not None and joined <= date(year, 12, 31) and (exited is None or exited > date(year, 1, 1))
        if keep:
            out.append((member_id, name, unit_type))
    return pd.DataFrame(out, columns=["member_id", "unit", "unit_type"])


def _activity(session: Session, ids: list[int], years: list[int] | None) -> dict[int, int]:
    """Ledger entries a unit recorded in the period (any status but draft): how busy it is."""
    query = select(LedgerEntry.member_id).where(LedgerEntry.member_id.in_(ids), LedgerEntry.status != "draft")
    if years:
        query = query.where(LedgerEntry.year.in_(years))
    return pd.Series(session.exec(query).all(), dtype="Int64").value_counts().to_dict()


def _layout(graph: nx.Graph, members: pd.DataFrame) -> dict[int, tuple[float, float]]:
    """The linked units by a spring layout (seeded) filling the unit disc; isolated units on a
    ring around it, by type and name, so they neither crowd the picture nor squeeze it."""
    linked = [n for n in graph if graph.degree(n)]
    layout: dict = {}
    if linked:
        sub = graph.subgraph(linked)
        spread = nx.spring_layout(sub, seed=LAYOUT_SEED, weight="weight", k=2.5 / max(1, len(sub) ** 0.5),
                                  iterations=100)
        layout.update(nx.rescale_layout_dict(spread, scale=1.0))
    alone = members[~members["member_id"].isin(linked)].sort_values(["unit_type", "unit"])["member_id"].tolist()
    for i, node in enumerate(alone):
        angle = 2 * math.pi * i / len(alone)
        layout[node] = (1.35 * math.cos(angle), 1.35 * math.sin(angle))
    return layout


def network(session: Session, current: CurrentUser | None, *, year: int | None = None,
            kind: str | None = None, laid_out: bool = True) -> Network:
    """The network of one year (or every year with the current members), optionally one ledger kind
    (without positions when only its figures are wanted: the layout is most of the cost)."""
    require_role(current, *EVERYONE)
    years = [year] if year else None
    members = _members_in(session, year)
    pairs = _pairs(session, years=years, kind=kind)
    pairs = pairs[pairs["a"].isin(members["member_id"]) & pairs["b"].isin(members["member_id"])]
    weights = pairs.groupby(["a", "b"]).size().rename("weight").reset_index()
    graph = nx.Graph()
    graph.add_nodes_from(members["member_id"].tolist())
    graph.add_weighted_edges_from(weights[["a", "b", "weight"]].itertuples(index=False, name=None))
    layout = _layout(graph, members) if laid_out else {m: (0.0, 0.0) for m in graph}
    activity = _activity(session, members["member_id"].tolist(), years)
    nodes = members.assign(
        activity=[int(activity.get(m, 0)) for m in members["member_id"]],
        partners=[graph.degree(m) for m in members["member_id"]],
        weight=[int(graph.degree(m, weight="weight")) for m in members["member_id"]],
        x=[float(layout[m][0]) for m in members["member_id"]], y=[float(layout[m][1]) for m in members["member_id"]])
    by_id = nodes.set_index("member_id")
    edges = weights.assign(
        unit_a=weights["a"].map(by_id["unit"]), unit_b=weights["b"].map(by_id["unit"]),
        type_a=weights["a"].map(by_id["unit_type"]), type_b=weights["b"].map(by_id["unit_type"]),
        x=weights["a"].map(by_id["x"]), y=weights["a"].map(by_id["y"]),
        x2=weights["b"].map(by_id["x"]), y2=weights["b"].map(by_id["y"]))
    isolated = nodes[nodes["partners"] == 0].sort_values(["unit_type", "unit"], ignore_index=True)
    weak = nodes[(nodes["partners"] == 1) & (nodes["weight"] == 1)].sort_values(["unit_type", "unit"],
                                                                                ignore_index=True)
    return Network(nodes=nodes, edges=edges, isolated=isolated, weak=weak)


def partners(session: Session, current: CurrentUser | None, *, unit_id: int, year: int | None = None,
             kind: str | None = None) -> pd.DataFrame:
    """A unit's confirmed partners in the network with the number of entries shared."""
    net = network(session, current, year=year, kind=kind, laid_out=False)
    mine = net.edges[(net.edges["a"] == unit_id) | (net.edges["b"] == unit_id)]
    other = mine.apply(lambda e: (e["b"], e["unit_b"], e["type_b"]) if e["a"] == unit_id
                       else (e["a"], e["unit_a"], e["type_a"]), axis=1, result_type="expand") \
        if not mine.empty else pd.DataFrame(columns=[0, 1, 2])
    return pd.DataFrame({"member_id": other[0].tolist(), "unit": other[1].tolist(), "unit_type": other[2].tolist(),
                         "entries": mine["weight"].tolist()}).sort_values("entries", ascending=False, ignore_index=True)


def figures(session: Session, current: CurrentUser | None, *, years: list[int], kind: str | None = None) -> pd.DataFrame:
    """Per year: members, share with at least one confirmed partner (%), school–enterprise pairs,
    edges and the network's density."""
    require_role(current, *EVERYONE)
    rows = []
    for year in years:
        net = network(session, current, year=year, kind=kind, laid_out=False)
        members = len(net.nodes)
        linked = int((net.nodes["partners"] > 0).sum())
        types = net.edges[["type_a", "type_b"]].apply(frozenset, axis=1) if not net.edges.empty else pd.Series([])
        school_enterprise = int((types == frozenset({MemberType.SCHOOL, MemberType.ENTERPRISE})).sum())
        possible = members * (members - 1) / 2
        rows.append({"year": year, "members": members, "linked": linked,
                     "linked_pct": 100 * linked / members if members else 0.0,
                     "school_enterprise_pairs": school_enterprise, "edges": len(net.edges),
                     "density": len(net.edges) / possible if possible else 0.0})
    return pd.DataFrame(rows, columns=["year", "members", "linked", "linked_pct", "school_enterprise_pairs", "edges",
                                       "density"])
