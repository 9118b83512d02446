"""The Streamlit app: login, then the pages the user's role may see."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitAPIException

from annotator import auth
from annotator.i18n import LANGUAGES
from annotator.settings import is_demo
from annotator.users import set_language
from pages.common import (
    PAGE_ROLES,
    PAGE_SECTIONS,
    SESSION_COOKIE,
    UNTRUSTED_CSS,
    current_user,
    db,
    language,
    session_token,
    t,
)

st.set_page_config(page_title="FLAMES annotation", layout="wide")
st.html(UNTRUSTED_CSS)


FORGET_DRAFTS = (
    "for (const k of Object.keys(localStorage)) "
    "if (k.startsWith('flames-explanation:')) localStorage.removeItem(k);"
)


def _write_cookie(value: str, max_age: int) -> None:
    # Streamlit cannot set cookies from Python; a tiny script in the page does it. Logging out
    # also drops explanation drafts kept in this browser (pages/annotate.js): the
    # logout click took the focus from any box, which sent its text.
    st.html(
        f"<script>document.cookie = '{SESSION_COOKIE}={value}; path=/; max-age={max_age}; "
        f"SameSite=Strict';{'' if value else FORGET_DRAFTS}</script>",
        unsafe_allow_javascript=True,
    )


def _login_page() -> None:
    st.title(t("app_title"))
    with st.form("login"):
        name = st.text_input(t("user_name"))
        password = st.text_input(t("password"), type="password")
        if st.form_submit_button(t("login"), type="primary"):
            try:
                session = auth.login(db(), name.strip(), password)
            except auth.LoginError as exc:
                st.error(t("login_wait", seconds=exc.retry_in) if exc.retry_in else t("login_refused"))
            else:
                _forget_session_state()  # nothing of an earlier user's (ended) session carries over
                st.session_state.token = session.token
                st.session_state.cookie_pending = session.token
                st.rerun()


def _choose_language(user_name: str) -> None:
    st.session_state.language = st.session_state.language_choice
    set_language(db(), user_name, st.session_state.language)
    # A select box keeps showing its choice's label in the old language unless its value is set
    # again (Streamlit sends a kept value's label only when the value changes): set every
    # widget's value to itself. Buttons (a bool) and table selections (a mapping) need nothing and
    # refuse it, not here but when the page draws them again.
    for key in list(st.session_state):
        if isinstance(st.session_state[key], bool | Mapping):
            continue
        with contextlib.suppress(StreamlitAPIException):
            st.session_state[key] = st.session_state[key]


def _sidebar(user) -> None:
    with st.sidebar:
        st.caption(t("logged_in_as", name=user.name, role=t(f"role_{user.role}")))
        st.session_state.setdefault("language_choice", language())
        st.radio(
            t("language"),
            list(LANGUAGES),
            key="language_choice",
            format_func=LANGUAGES.__getitem__,
            horizontal=True,
            on_change=_choose_language,
            args=(user.name,),
        )
        if st.button(t("logout")):
            auth.logout(db(), session_token())
            _forget_session_state()
            st.session_state.cookie_pending = ""
            st.rerun()


def _forget_session_state() -> None:
    for key in list(st.session_state):
        if key != "db":
            del st.session_state[key]


def main() -> None:
    if is_demo(db()):
        st.warning(t("demo_notice"))
    if "cookie_pending" in st.session_state:
        token = st.session_state.pop("cookie_pending")
        _write_cookie(token, auth.SESSION_HOURS * 3600 if token else 0)
    # Every page's address is always registered, so a bookmarked or typed address never gets
    # Streamlit's own (English) "Page not found": logged out, it shows the login form and then
    # that page; a page the role may not open is left out of the menu and refuses in the UI
    # language (every page checks the role itself).
    user = current_user()
    if user is None:
        login = st.Page(_login_page, title=t("login"), url_path="login", default=True)
        addresses = [
            st.Page(_login_page, title=t("login"), url_path=name, visibility="hidden") for name in PAGE_ROLES
        ]
        st.navigation([login, *addresses]).run()
        return
    _sidebar(user)
    # Every page the role may open is in the menu, grouped and never folded behind "View more";
    # the others stay registered (hidden) so their addresses refuse in the UI language.
    pages = {
        name: st.Page(
            f"pages/{name}.py",
            title=t(f"page_{name}"),
            # The home page is served at "/"; "/home" is a hidden alias that leads there.
            url_path="index" if name == "home" else name,
            default=name == "home",
            visibility="visible" if user.role in PAGE_ROLES[name] else "hidden",
        )
        for name in PAGE_ROLES
    }
    home = pages["home"]
    alias = st.Page(lambda: st.switch_page(home), title=home.title, url_path="home", visibility="hidden")
    sections: dict[str, list] = {}
    hidden = [alias]
    for section, names in PAGE_SECTIONS.items():
        shown = [pages[name] for name in names if user.role in PAGE_ROLES[name]]
        hidden += [pages[name] for name in names if user.role not in PAGE_ROLES[name]]
        if shown:
            sections[t(f"nav_{section}")] = shown
    sections[next(iter(sections))] += hidden  # a section of hidden pages only would show its header
    st.navigation(sections, expanded=True).run()


main()
