"""The README's screenshots, taken from a fresh demo in headless Chromium.

    python tools/screenshots.py [docs]

Starts `streamlit run app.py` on a free port with a new demo database (dated today), logs in as
the demo accounts and writes: portal.png (the public portal, logged out, 1280×860);
home-secretariat.png (1400×1250); indicators.png (the analysis as it
opens, on the last complete year) and indicators-in-progress.png (on the year being reported), as
the council sees them; projector-plan.png (plan progress at 1280×720 with the sidebar collapsed,
as on a meeting-room projector); plan-timeline.png (the current plan's timeline tab, 1400×1300).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ.setdefault("COOKIE_KEY", "screenshots-only-" + "k" * 40)
os.environ["DEMO"] = "1"


def main(out: Path) -> None:
    from core.demo_plan import DemoCalendar
    from core.i18n import translate
    from core.settings import GROUP_NAME_ZH
    from core.timeutil import china_today
    from tests.browser import chromium, go, log_in, streamlit_server, wait_heading, wait_idle

    out.mkdir(parents=True, exist_ok=True)
    year = DemoCalendar(china_today()).reporting_year
    with tempfile.TemporaryDirectory() as folder:
        env = {"DATABASE_URL": f"sqlite:///{folder}/platform.db"}
        with streamlit_server(env, Path(folder) / "server.log") as url, chromium() as browser:
            def session(username: str, width: int, height: int):
                context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                              device_scale_factor=1)
                page = context.new_page()
                log_in(page, url, username)
                wait_heading(page, translate("page.home"))
                wait_idle(page)
                return context, page

            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN",
                                          device_scale_factor=1)
            page = context.new_page()
            page.goto(url)
            wait_heading(page, GROUP_NAME_ZH)  # the portal's title
            wait_idle(page)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "portal.png"))
            context.close()

            context, page = session("demo-secretariat", 1400, 1250)
            page.wait_for_timeout(1500)  # charts draw after the run
            page.screenshot(path=str(out / "home-secretariat.png"))
            context.close()

            context, page = session("demo-council", 1400, 1000)
            go(page, "indicators")  # opens on the last complete year
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "indicators.png"))
            page.get_by_label(translate("indicators.year")).click()
            page.get_by_role("option", name=str(year)).first.click()  # the year in progress
            wait_idle(page)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "indicators-in-progress.png"))
            context.close()

            context, page = session("demo-council", 1400, 1300)
            go(page, "plan")
            page.get_by_role("tab", name=translate("plan.tab_gantt")).click()
            wait_idle(page)
            page.get_by_role("tab", name=translate("plan.tab_gantt")).scroll_into_view_if_needed()
            page.mouse.wheel(0, 420)  # the timeline from its tab down
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "plan-timeline.png"))
            context.close()

            context, page = session("demo-council", 1280, 720)
            go(page, "plan")
            page.locator('[data-testid="stSidebarCollapseButton"] button').first.click()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "projector-plan.png"))
            context.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
