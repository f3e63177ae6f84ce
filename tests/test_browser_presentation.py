"""What a user sees, in real Chromium: no Streamlit English in the Chinese UI (item 9 of issue 19),
no label cut short on a 1280×720 projector, and on a 420 px phone the sidebar out of the way
after navigating (items 20, 21). The rules live in core/ui/chrome.py."""
from __future__ import annotations

from core.i18n import translate
from tests.browser import BROWSER, TIMEOUT_MS, app_url, browser, go, log_in, settle, wait_heading, wait_idle  # noqa: F401  (fixtures used by name)

pytestmark = BROWSER

# Streamlit's own English, as its 1.67 frontend writes it.
STREAMLIT_ENGLISH = ["Upload", "per file", "Drag and drop", "Browse files", "Press Enter", "submit form",
                     "Select all", "No results", "Choose an option", "Choose options", "Add files", "Search",
                     "Fullscreen", "Show data", "Sort ascending"]
# The text a user can see: text nodes whose element is drawn with a non-zero font size.
VISIBLE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    // Icons are ligatures ("upload" draws an arrow); a skip link sits off screen until focused.
    if (!node.textContent.trim() || !element
        || element.closest('script,style,noscript,[data-testid=stIconMaterial],[data-testid=stSkipToContent],[translate=no]')) continue;
    const style = getComputedStyle(element);
    if (parseFloat(style.fontSize) === 0 || style.visibility === 'hidden' || !element.getClientRects().length) continue;
    parts.push(node.textContent.trim());
  }
  return parts.join(' | ');
}"""
AFTER = "selector => Array.from(document.querySelectorAll(selector)).map(e => getComputedStyle(e, '::after').content)"
TRUNCATED = """selector => Array.from(document.querySelectorAll(selector))
  .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


def english_seen(page) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    return [word for word in STREAMLIT_ENGLISH if word in text]


def test_the_chinese_ui_shows_no_streamlit_english(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{app_url}/login")
    wait_idle(page)
    page.get_by_label(translate("login.password")).fill("abc")  # the form's "Press Enter" hint shows
    page.locator('[data-testid="InputInstructions"]').first.wait_for(timeout=TIMEOUT_MS)
    assert english_seen(page) == []
    assert '"按回车键确认"' in page.evaluate(AFTER, '[data-testid=InputInstructions] > span')

    log_in(page, app_url, "demo-secretariat")
    wait_heading(page, translate("page.home"))
    go(page, "member_import")  # a file uploader
    page.locator('[data-testid="stFileUploaderDropzone"]').first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert english_seen(page) == []
    shown = page.evaluate(AFTER, "[data-testid=stFileUploaderDropzone] button p, "
                                 "[data-testid=stFileUploaderDropzoneInstructions] span")
    assert shown == ['"上传"', '"单个文件不超过 20 MB"']

    go(page, "ledgers")  # multiselect filters: open one, then filter it to nothing
    wait_idle(page)
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.locator('[data-testid="stMultiSelectDropdown"] [role=option]').first.wait_for(timeout=TIMEOUT_MS)
    assert english_seen(page) == []
    assert page.evaluate(AFTER, '[data-key="__select_all__"] > div') == ['"全选"']
    page.keyboard.type("qqqzzz")
    page.locator("[role=listbox][data-empty]").first.wait_for(timeout=TIMEOUT_MS)
    assert english_seen(page) == []
    page.keyboard.press("Escape")
    # A table's toolbar: its buttons' tooltips ("Search", "Fullscreen") in Chinese too.
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.hover()
    table.locator('[data-testid="stElementToolbarButton"]').first.hover()
    tooltip = page.locator('[data-testid="stTooltipContent"]').first
    tooltip.wait_for(timeout=TIMEOUT_MS)
    settle(lambda: tooltip.inner_text().strip() in {"搜索", "全屏", "显示/隐藏列", "导出 Excel"})
    context.close()


def test_projector_labels_are_whole_and_the_phone_sidebar_closes_after_navigating(browser, app_url):
    # English at 1280×720: the longest labels ("Close to target", the plan's delta) fit whole.
    projector = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = projector.new_page()
    log_in(page, app_url, "demo-council")
    wait_heading(page, translate("page.home"))
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    wait_heading(page, "Home")
    for key in ("indicators", "plan"):
        page.locator('[data-testid="stSidebarNav"] a', has_text=translate(f"page.{key}", "en")).first.click()
        wait_heading(page, translate(f"page.{key}", "en"))
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=TIMEOUT_MS)
        wait_idle(page)
        labels = "[data-testid=stMetricLabel] p, [data-testid=stMetricDelta] div, [data-testid=stMetricValue] div"
        assert page.evaluate(TRUNCATED, labels) == [], key
    page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()  # leave it as found
    wait_heading(page, translate("page.plan"))
    projector.close()

    phone = browser.new_context(viewport={"width": 420, "height": 900}, locale="zh-CN")
    page = phone.new_page()
    log_in(page, app_url, "demo-member")
    wait_heading(page, translate("page.home"))
    closed = page.locator('[data-testid="stSidebar"][data-collapsed="true"]')
    closed.wait_for(state="attached", timeout=TIMEOUT_MS)  # the page after login is not hidden
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.locator('[data-testid="stSidebar"][data-collapsed="false"]').wait_for(state="attached")
    page.locator('[data-testid="stSidebarNav"] a', has_text=translate("page.indicators")).first.click()
    wait_heading(page, translate("page.indicators"))
    closed.wait_for(state="attached", timeout=TIMEOUT_MS)
    # KPI cards two per row: the second card sits beside the first, not under it.
    cards = page.locator('[data-testid="stMetric"]')
    cards.nth(1).wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    # The sidebar's closing slide reflows the page: wait until the two cards have settled in a row.
    page.wait_for_function("""() => {
        const [a, b] = [...document.querySelectorAll('[data-testid="stMetric"]')].map(e => e.getBoundingClientRect());
        return a && b && Math.abs(a.top - b.top) < 2 && b.left > a.left;
    }""", timeout=TIMEOUT_MS)
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]
    phone.close()
