"""Opening a page through app.py in Streamlit's AppTest, as a logged-in person would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from annotator import auth
from tests.builders import PASSWORD

ROOT = Path(__file__).parent.parent


def through_app(db, page: str, user: str = "lea", language: str = "en") -> AppTest:
    """The page opened through app.py's navigation, so it may switch to another page (or language)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["token"] = auth.login(db, user, PASSWORD).token
    at.session_state["language"] = language
    at.run()
    at.switch_page(f"pages/{page}.py")
    return at.run()
