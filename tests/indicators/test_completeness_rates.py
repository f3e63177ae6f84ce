"""The reporting rates' arithmetic, on a hand-made matrix (no database)."""
from __future__ import annotations

import pandas as pd

from core.indicators import completeness
from core.models import ValueStatus


def test_a_report_sent_back_after_an_on_time_submission_is_not_counted_on_time():
    frame = pd.DataFrame([
        {"year": 2025, "status": ValueStatus.APPROVED, "on_time": True},
        {"year": 2025, "status": ValueStatus.REJECTED, "on_time": True},
        {"year": 2025, "status": None, "on_time": None},
    ])
    row = completeness.rates(frame).iloc[0]
    assert (row["reported"], row["on_time"]) == (1, 1)
    assert row["on_time_rate"] == 100.0
