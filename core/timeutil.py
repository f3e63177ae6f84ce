"""Time helpers: everything is stored in UTC (timezone-aware) and shown in China time."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), name="Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already (what SQLite hands back)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_china(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value).astimezone(CHINA_TZ)


def format_china(value: datetime | None, *, with_seconds: bool = False) -> str:
    local = to_china(value)
    if local is None:
        return ""
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def china_today() -> date:
    return utcnow().astimezone(CHINA_TZ).date()
