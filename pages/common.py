"""What every page shares: the session's database connection, the logged-in user, the role
guard, UI language and safe rendering of untrusted text. No annotation logic lives here."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import sqlite_utils
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from annotator import auth
from annotator.gold import DEFAULT_THRESHOLD
from annotator.i18n import LANGUAGES, Refusal
from annotator.i18n import text as _text
from annotator.settings import default_language
from annotator.states import Role
from annotator.store import default_db_path, open_db, project_rubric
from annotator.users import User

SESSION_COOKIE = "flames_session"
EVERYONE = tuple(Role)
LEADS = (Role.LEAD, Role.ADMIN)
# Page name -> roles that may open it: the navigation shows these and each page checks them again.
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "home": EVERYONE,
    "annotate": EVERYONE,
    "guidelines": EVERYONE,
    "assignment": LEADS,
    "progress": LEADS,
    "adjudication": LEADS,
    "flags": LEADS,
    "settings": LEADS,
    "users": (Role.ADMIN,),
    "agreement": LEADS,
    "leaderboard": LEADS,
    "exports": LEADS,
    "scorer": LEADS,
    "models": LEADS,
    "audit": LEADS,
}
# Menu sections (message key nav_<section>) and their pages, in menu order.
PAGE_SECTIONS: dict[str, tuple[str, ...]] = {
    "annotate": ("home", "annotate", "guidelines"),
    "manage": ("models", "assignment", "progress", "adjudication", "flags", "users", "settings", "audit"),
    "results": ("agreement", "leaderboard", "exports", "scorer"),
}


def db() -> sqlite_utils.Database:
    """One connection per browser session, as the load test assumes."""
    if "db" not in st.session_state:
        st.session_state.db = open_db(default_db_path())
    return st.session_state.db


def session_token() -> str | None:
    token = st.session_state.get("token") or st.context.cookies.get(SESSION_COOKIE)
    return token if isinstance(token, str) else None


def current_user() -> User | None:
    """The user of a live session; checked against the store on every run (expiry, deactivation)."""
    return auth.session_user(db(), session_token())


def require_access(page: str) -> User:
    """Stop the page unless a logged-in user's role may open it (every page calls this first)."""
    if PagesManager.uses_pages_directory and "app_rerun" not in st.session_state:
        # Until app.py first calls st.navigation, Streamlit (1.67) runs a pages/ file on its own
        # with a menu of every file: a server's first visitor on a page address (a tab open
        # across a restart) would get that. Rerunning from app.py gives the real app; only a
        # session's first such run is rerun, which has no click to lose (AppTest, which puts
        # Streamlit back in this mode before every run, clicks in later runs).
        PagesManager.uses_pages_directory = False
        st.session_state.app_rerun = True
        st.rerun()
    user = current_user()
    if user is None or user.role not in PAGE_ROLES[page]:
        st.error(t("not_allowed"))
        st.stop()
    return user


def language() -> str:
    chosen = st.session_state.get("language")
    if chosen in LANGUAGES:
        return chosen
    user = current_user()
    if user is not None and user.language in LANGUAGES:
        return user.language
    return default_language(db())


def t(key: str, **values: object) -> str:
    return _text(key, language(), **values)


def refusal_text(exc: Exception) -> str:
    """A refusal's text, in the UI language when the logic gives its text."""
    return exc.in_language(language()) if isinstance(exc, Refusal) else str(exc)


def refusal(exc: Exception) -> str:
    """A refusal as pages show it ("Error: ...")."""
    return t("error", message=refusal_text(exc))


def dimension_names() -> dict[str, str]:
    """Each rubric dimension's name in the UI language, by its stored name."""
    lang = language()
    return {d.name: d.display_name(lang) for d in project_rubric(db()).dimensions}


MISSING = "–"


def readable(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> pd.DataFrame:
    """A table as people read it: yes/no in the UI language for true/false, "–" for a missing value
    (a table would print None or NaN), local times for the `*_at` columns. A number column with
    missing values becomes text, floats formatted by `formats` (column -> format spec, else one
    decimal)."""
    formats = formats or {}
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == bool:
            out[column] = values.map({True: t("yes"), False: t("no")})
        elif str(column).endswith("_at"):
            out[column] = [MISSING if pd.isna(v) else local_time(v) for v in values]
        elif values.isna().any():
            spec = formats.get(column, ".1f")
            # All text: a column of numbers and "–" would not convert to an Arrow table.
            out[column] = [
                MISSING if pd.isna(v) else format(v, spec) if isinstance(v, float) else str(v) for v in values
            ]
    return out


def _browser_timezone() -> timezone | ZoneInfo:
    name = st.context.timezone
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = st.context.timezone_offset  # minutes behind UTC, as JavaScript counts them
    return timezone(-timedelta(minutes=offset)) if offset is not None else UTC


def local_time(stamp: str) -> str:
    """A stored UTC time (ISO 8601) in the browser's time zone, to the minute."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment.astimezone(_browser_timezone()).strftime("%Y-%m-%d %H:%M")


def gold_threshold_input(container) -> float:
    """The gold-accuracy threshold below which an annotator is flagged (shared by two pages)."""
    return container.number_input(
        t("gold_threshold"),
        min_value=0.0,
        max_value=1.0,
        value=DEFAULT_THRESHOLD,
        step=0.05,
        key="gold_threshold",
    )


def show_untrusted(body: str, *, css_class: str = "untrusted") -> None:
    """Show model output or user text as plain text: escaped, so no markup, script, image or iframe
    in it can run or load; line breaks kept; long text scrolls inside its box."""
    st.html(f'<div class="{css_class}">{html.escape(body)}</div>')


UNTRUSTED_CSS = """
<style>
.untrusted { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 22em; overflow-y: auto;
  font-size: 0.95rem; line-height: 1.55; padding: 0.25rem 0.5rem; }
.prompt-text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 1.05rem; font-weight: 500;
  line-height: 1.6; }
</style>
"""
