"""Users (admin only): accounts, roles, passwords and deactivation. Passwords are never shown;
forms clear their fields once submitted."""

from __future__ import annotations

import streamlit as st

from annotator.i18n import LANGUAGES
from annotator.states import Role
from annotator.users import add_user, list_users, reset_password, set_active, set_role
from pages.common import MISSING, db, refusal, require_access, t

user = require_access("users")
st.title(t("page_users"))
conn = db()


def _attempt(action, *args, done: str) -> None:
    try:
        action(*args)
    except ValueError as exc:
        st.session_state.users_message = ("error", refusal(exc))
    else:
        st.session_state.users_message = ("success", done)


def _toggle_active(name: str, active: bool) -> None:
    _attempt(
        set_active, conn, name, active, done=t("user_activated" if active else "user_deactivated", name=name)
    )


if message := st.session_state.pop("users_message", None):
    kind, text = message
    (st.success if kind == "success" else st.error)(text)

people = list_users(conn)
roles = {role.value: t(f"role_{role}") for role in Role}
st.dataframe(
    [
        {
            t("user_name"): person.name,
            t("role"): roles[person.role],
            t("active"): t("yes") if person.active else t("no"),
            t("language"): LANGUAGES.get(person.language or "", MISSING),
        }
        for person in people
    ],
    hide_index=True,
)

st.subheader(t("add_user"), anchor=False)
with st.form("add_user", clear_on_submit=True):
    name = st.text_input(t("user_name"), key="new_name")
    role = st.selectbox(t("role"), list(roles), format_func=roles.__getitem__, key="new_role")
    password = st.text_input(t("password"), type="password", key="new_password")
    again = st.text_input(t("password_again"), type="password", key="new_password_again")
    if st.form_submit_button(t("add_user"), key="add_user_submit"):
        if password != again:
            st.session_state.users_message = ("error", t("passwords_differ"))
        else:
            _attempt(add_user, conn, name.strip(), role, password, done=t("user_added", name=name.strip()))
        st.rerun()

# An admin does not change their own role or switch themselves off here: that could lock everyone out.
others = [person for person in people if person.name != user.name]
if others:
    names = [person.name for person in others]
    st.subheader(t("change_user"), anchor=False)
    chosen = st.selectbox(t("user_name"), names, key="chosen_user")
    person = others[names.index(chosen)]
    left, right = st.columns(2)
    with left.form("set_role"):
        new_role = st.selectbox(
            t("role"), list(roles), index=list(roles).index(person.role), format_func=roles.__getitem__
        )
        if st.form_submit_button(t("set_role"), key="set_role_submit"):
            _attempt(set_role, conn, chosen, new_role, done=t("role_set", name=chosen, role=roles[new_role]))
            st.rerun()
    with right.form("reset_password", clear_on_submit=True):
        password = st.text_input(t("new_password"), type="password", key="reset_password")
        again = st.text_input(t("password_again"), type="password", key="reset_password_again")
        if st.form_submit_button(t("reset_password"), key="reset_password_submit"):
            if password != again:
                st.session_state.users_message = ("error", t("passwords_differ"))
            else:
                _attempt(reset_password, conn, chosen, password, done=t("password_reset", name=chosen))
            st.rerun()
    if person.active:
        st.button(t("deactivate"), key="deactivate", on_click=_toggle_active, args=(chosen, False))
        st.caption(t("deactivate_help"))
    else:
        st.button(t("reactivate"), key="reactivate", on_click=_toggle_active, args=(chosen, True))
