"""The query page shows its results a page at a time (newest year first), and a new search starts
again on its first page."""
from __future__ import annotations

from core.i18n import translate
from core.ledgers import query
from tests.pages_support import app_as, session_scope, user_for


def test_the_results_come_a_page_at_a_time_and_a_new_search_starts_on_page_one(demo_db_url):
    council = user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        total = query.count(session, council)
        order = list(query.search(session, council)["id"])
    assert total > query.PAGE_ROWS  # the demo holds more than a page
    at = app_as(demo_db_url, "council", "ledgers")
    column = translate("ledger.col_no")
    assert list(at.dataframe[0].value[column]) == order[:query.PAGE_ROWS]
    at.number_input(key="ledgers_page").set_value(2).run()
    assert not at.exception
    assert list(at.dataframe[0].value[column]) == order[query.PAGE_ROWS:2 * query.PAGE_ROWS]
    last = min(total, 2 * query.PAGE_ROWS)
    assert translate("ledgers.page_of", first=f"{query.PAGE_ROWS + 1:,}", last=f"{last:,}", total=f"{total:,}") in \
        [c.value for c in at.caption]
    at.text_input(key="ledgers_q").set_value("订单").run()
    assert not at.exception and not at.number_input or at.number_input(key="ledgers_page").value == 1


def test_past_the_cap_the_count_reads_n_plus_and_the_pages_stop_at_the_cap(demo_db_url, monkeypatch):
    monkeypatch.setattr(query, "COUNT_CAP", query.PAGE_ROWS)  # the demo holds more than a page
    at = app_as(demo_db_url, "council", "ledgers")
    assert not at.exception
    shown = f"{query.PAGE_ROWS:,}+"
    assert at.metric[0].value == shown
    assert translate("ledgers.page_of_more", first="1", last=f"{query.PAGE_ROWS:,}", total=shown) in \
        [c.value for c in at.caption]
    assert not at.number_input  # one page up to the cap; the export holds every result
