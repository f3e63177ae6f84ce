"""Streamlit's own words and the page's look for every screen, as one stylesheet the shell injects
once per run.

Streamlit draws a few texts in English whatever the app's language ("Upload", "20MB per file",
"Press Enter to submit form", "Select all", "No results"). They carry no key or option to
translate them, so the stylesheet hides each one (font-size 0) and puts the user's language in
its place with ::after, in every language (the English texts read as Streamlit's). The upload
line states the platform's own limit (settings' upload_limit_mb), which is the one enforced.

The selectors are Streamlit 1.67's test ids (checked against its frontend bundle); the browser
test tests/test_browser_presentation.py fails when an upgrade renames them.
"""
from __future__ import annotations

import json

import streamlit as st

from core.i18n import translate
from core.settings import DEFAULT_SETTINGS
from core.ui.language import lang
from core.ui.session import platform_settings

# (selector of the element whose English text is replaced, i18n key, font size of the original)
REPLACED = (
    ("[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p", "streamlit.upload", "14px"),
    ("[data-testid=stFileUploaderDropzoneInstructions] span", "streamlit.upload_limit", "14px"),
    # The hint under a text box being typed in; a character count after it stays as it is.
    ("[data-testid=stTextInput] [data-testid=InputInstructions] > span:first-child",
     "streamlit.press_enter", "12px"),
    ("[data-testid=stTextArea] [data-testid=InputInstructions] > span:first-child",
     "streamlit.press_ctrl_enter", "12px"),
    ("[data-testid=stNumberInput] [data-testid=InputInstructions] > span:first-child",
     "streamlit.press_enter", "12px"),
    ('[role=option][data-key="__select_all__"] > div', "streamlit.select_all", "14px"),
    ('[role=option][data-key="__select_matches__"] > div', "streamlit.select_matches", "14px"),
    ("[role=listbox][data-empty] [role=option] > span", "streamlit.no_results", "14px"),
)

# Projector (1280×720) and phone (420 px): a metric's label, value and delta wrap instead of
# ending in "…" (Streamlit cuts each to one line), and below 640 px KPI columns wrap two per row instead of
# stacking one per screen.
# A container keyed f"{WIDE_ONLY}..." is left out on a phone (a table's header row of columns,
# which Streamlit would stack one per line above the rows).
WIDE_ONLY = "wide_only_"
# A row of columns whose columns hold a metric card at their top level (not a page layout whose
# column has a card somewhere deep inside).
KPI_ROW = ("[data-testid=stHorizontalBlock]:has(> [data-testid=stColumn] > [data-testid=stVerticalBlock]"
           " > [data-testid=stElementContainer] > [data-testid=stMetric])")
LAYOUT = (
    "[data-testid=stElementContainer]:has(> [data-testid=stHtml] script){display:none}"
    "[data-testid=stMetricLabel],[data-testid=stMetricLabel] *,[data-testid=stMetricDelta],"
    "[data-testid=stMetricDelta] *,[data-testid=stMetricValue],[data-testid=stMetricValue] *"
    "{white-space:normal!important;overflow:visible!important;text-overflow:clip!important;height:auto!important}"
    "[data-testid=stMetricDelta]{width:auto!important;max-width:100%;border-radius:0.5rem!important}"
    "[data-testid=stMetricLabel] p{line-height:1.3}"
    "@media (max-width:640px){"
    f"[class*=st-key-{WIDE_ONLY}]{{display:none!important}}"
    f"{KPI_ROW}{{flex-flow:row wrap!important;gap:0.5rem!important}}"
    f"{KPI_ROW} > [data-testid=stColumn]{{flex:1 1 calc(50% - 0.5rem)!important;"
    "min-width:calc(50% - 0.5rem)!important}}"
)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def stylesheet(lang: str, upload_limit_mb: int) -> str:
    """The <style> the shell adds to every page in `lang`."""
    rules = [f":root{{--zjjt-lang:{lang}}}", LAYOUT]  # the page's language, for the script below
    for selector, key, size in REPLACED:
        text = translate(key, lang, mb=upload_limit_mb)
        rules.append(f"{selector}{{font-size:0!important}}"
                     f"{selector}::after{{content:{_css_string(text)};font-size:{size}}}")
    return "<style>" + "".join(rules) + "</style>"


# Words Streamlit writes in its tables' and charts' menus and tooltips, which appear only when
# used (a column's menu, a toolbar button's tooltip): the script below puts them in the page's
# language as they appear. Keys streamlit.word.<name> in core/locales.
MENU_WORDS = {
    "fullscreen": "Fullscreen", "close_fullscreen": "Close fullscreen", "search": "Search",
    "show_hide_columns": "Show/hide columns", "download_png": "Download as PNG", "show_data": "Show data",
    "show_chart": "Show chart", "sort_ascending": "Sort ascending", "sort_descending": "Sort descending",
    "format": "Format", "autosize": "Autosize", "pin_column": "Pin column", "unpin_column": "Unpin column",
    "hide_column": "Hide column", "copy_column_name": "Copy column name", "automatic": "Automatic",
    "localized": "Localized", "plain": "Plain", "compact": "Compact", "percent": "Percent",
    "scientific": "Scientific", "engineering": "Engineering", "accounting": "Accounting", "add_row": "Add row",
    "delete_rows": "Delete row(s)", "clear_selection": "Clear selection", "no_data": "No data",
    "select_all": "Select all", "statistics": "Statistics", "values": "Values", "empty": "Empty",
    "distinct": "Distinct", "minimum": "Minimum", "maximum": "Maximum", "average": "Average", "median": "Median",
    "sum": "Sum", "standard_deviation": "Standard deviation", "p25": "25th percentile", "p75": "75th percentile",
    "range": "Range", "based_on_sample": "Based on sample",
}
MENUS = ("[data-testid=stTooltipContent],[data-testid=stDataFrameColumnMenu],"
         "[data-testid=stDataFrameColumnVisibilityMenu],[data-testid=stDataFrameColumnFormattingMenu],"
         "[data-testid=stDataFrameStatisticsMenu],[data-testid=stDataFrameStatisticsContent]")


def _menu_words() -> dict[str, dict[str, str]]:
    """Per language (other than English): Streamlit's English word → the catalog's."""
    from core.i18n import LANGUAGES

    return {lang: {english: translate(f"streamlit.word.{name}", lang) for name, english in MENU_WORDS.items()}
            for lang in LANGUAGES if lang != "en"}


# On a narrow screen (a phone, a small window) the sidebar covers the page: close it whenever the
# page changes (a link in the navigation, the page after login), as Streamlit itself does only
# for phones it recognises by their user agent. 768 px is Streamlit's own "mobile" breakpoint.
# The script is a constant (the catalog's words, no user text), installed once per browser tab;
# it reads the page's language from the stylesheet (--zjjt-lang), which follows the switch.
CLOSE_SIDEBAR_SCRIPT = """<script>
(() => {
  if (window.__zjjtSidebarCloses) return;
  window.__zjjtSidebarCloses = true;
  const WORDS = __WORDS__;
  const MENUS = "__MENUS__";
  const translateIn = (root) => {
    const lang = getComputedStyle(document.documentElement).getPropertyValue("--zjjt-lang").trim();
    const words = WORDS[lang];
    if (!words) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, word = words[node.nodeValue.trim()];
      if (word && node.parentElement && node.parentElement.closest(MENUS)) node.nodeValue = word;
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (target && (target.closest(MENUS) || target.querySelector(MENUS))) translateIn(target);
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  const NARROW = 768;
  const close = () => {
    if (window.innerWidth >= NARROW) return;
    const open = document.querySelector('[data-testid="stSidebar"][data-collapsed="false"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (open && button) button.click();
  };
  let path = window.location.pathname;
  document.addEventListener("click", (event) => {
    if (event.target.closest('[data-testid="stSidebarNav"] a')) setTimeout(close, 50);
  }, true);
  setInterval(() => {
    if (window.location.pathname !== path) { path = window.location.pathname; close(); }
  }, 300);
})();
</script>"""


def inject() -> None:
    """Once per run, from the shell: the stylesheet (no space taken) and the sidebar script."""
    try:
        limit = int(platform_settings().get("upload_limit_mb") or DEFAULT_SETTINGS["upload_limit_mb"])
    except (TypeError, ValueError):
        limit = DEFAULT_SETTINGS["upload_limit_mb"]
    st.html(stylesheet(lang(), limit))
    with st.sidebar:
        st.html(_script(), unsafe_allow_javascript=True)


def _script() -> str:
    words = json.dumps(_menu_words(), ensure_ascii=False).replace("</", "<\\/")
    return CLOSE_SIDEBAR_SCRIPT.replace("__WORDS__", words).replace("__MENUS__", MENUS)
