"""AppTest entry point: runs app.py as browsers reach it, through its st.navigation.

Page tests switch pages by paths relative to this file (`pages_support.page_path`), so the
entry script sits in tests/ and runs app.py from here.
"""
import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
