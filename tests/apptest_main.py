"""AppTest entry point: runs app.py from tests/, where no pages/ folder sits beside it.

With pages/ beside the entry script, Streamlit starts every AppTest run in its legacy
folder-of-pages mode, which runs a switched-to page file without app.py. Browsers reach the
app through app.py's st.navigation, so this is how the page tests run it; the legacy way in
(a page opened by its URL) is tested separately by running each page file on its own.
"""
import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
