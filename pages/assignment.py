"""Assignment: hand prompts to annotators with overlap, move an inactive annotator's unfinished
queue, and gold checks (mark gold responses, mix them into queues, watch gold accuracy)."""

from __future__ import annotations

import streamlit as st

from annotator.assignment import (
    DEFAULT_OVERLAP,
    assign,
    assignment_stats,
    pairs_without_shared_prompt,
    prompt_batches,
    reassign_unfinished,
    unfinished_prompts,
)
from annotator.gold import gold_accuracy, gold_items, mix_gold, set_gold
from annotator.states import Role
from annotator.store import project_rubric
from annotator.users import list_users
from pages.common import (
    db,
    dimension_names,
    gold_threshold_input,
    language,
    readable,
    refusal,
    require_access,
    t,
)

user = require_access("assignment")
st.title(t("page_assignment"))
conn = db()
rubric = project_rubric(conn)
lang = language()
people = [person for person in list_users(conn) if person.role == Role.ANNOTATOR]
active = [person.name for person in people if person.active]
inactive = [person.name for person in people if not person.active]


def _attempt(action, *args, **kwargs):
    """Run a store action; show a refusal (bad choice, invalid score) as a message, not a traceback."""
    try:
        return action(*args, **kwargs)
    except ValueError as exc:
        st.error(refusal(exc))
        return None


def _column(name: str) -> str:
    return t(f"col_{name}")


def _per_annotator(counts: dict[str, int], value: str) -> list[dict[str, object]]:
    return [{t("annotator"): name, t(value): n} for name, n in counts.items()]


st.subheader(t("assign_heading"), anchor=False)
if not active:
    st.info(t("no_active_annotators"))
scopes = {
    "all": t("scope_all"),
    "dimension": t("dimension"),
    "subcomponent": t("subcomponent"),
    "batch": t("scope_batch"),
}
scope = st.radio(t("assign_scope"), list(scopes), format_func=scopes.__getitem__, horizontal=True)
chosen: dict[str, str | None] = {"dimension": None, "subcomponent": None, "batch": None}
if scope == "dimension":
    names = {d.name: d.display_name(lang) for d in rubric.dimensions}
    chosen["dimension"] = st.selectbox(t("dimension"), list(names), format_func=names.__getitem__)
elif scope == "subcomponent":
    pairs = {
        f"{d.name}\x1f{sub}": f"{d.display_name(lang)} · {d.subcomponent_name(sub, lang)}"
        for d in rubric.dimensions
        for sub in d.subcomponents
    }
    pair = st.selectbox(t("subcomponent"), list(pairs), format_func=pairs.__getitem__)
    chosen["dimension"], chosen["subcomponent"] = pair.split("\x1f")
elif scope == "batch":
    batches = prompt_batches(conn)
    if not batches:
        st.info(t("no_batches"))
    chosen["batch"] = st.selectbox(t("scope_batch"), batches)
team = st.multiselect(
    t("annotators"), active, default=active, key="assign_team", placeholder=t("choose_options")
)
left, right = st.columns(2)
overlap = left.number_input(
    t("overlap"),
    min_value=1,
    value=min(DEFAULT_OVERLAP, max(1, len(active))),
    step=1,
    help=t("overlap_help"),
    key="assign_overlap",
)
seed = right.number_input(t("seed"), min_value=0, value=0, step=1, key="assign_seed")
if st.button(t("assign"), type="primary", key="assign", disabled=scope == "batch" and not chosen["batch"]):
    summary = _attempt(assign, conn, team, int(overlap), seed=int(seed), assigned_by=user.name, **chosen)
    if summary is not None:
        st.success(
            t(
                "assign_summary",
                selected=summary.prompts_selected,
                assigned=summary.prompts_assigned,
                complete=summary.already_complete,
                rows=summary.rows_added,
            )
        )
        st.dataframe(_per_annotator(summary.added_by_annotator, "rows_added"), hide_index=True)
        unpaired = pairs_without_shared_prompt(conn, team)
        if unpaired:
            st.warning(t("pairs_without_prompt", pairs=", ".join(f"{a}–{b}" for a, b in unpaired)))

stats = assignment_stats(conn)
with st.expander(t("current_assignments"), expanded=True):
    left, right = st.columns(2)
    left.dataframe(_per_annotator(stats["assignments_by_annotator"], "assigned"), hide_index=True)
    right.dataframe(
        [{t("overlap"): k, t("prompts"): n} for k, n in stats["prompts_by_overlap"].items()], hide_index=True
    )

st.subheader(t("reassign_heading"), anchor=False)
if not inactive:
    st.info(t("no_inactive_annotators"))
else:
    source = st.selectbox(t("reassign_from"), inactive, key="reassign_from")
    waiting, kept = unfinished_prompts(conn, source)
    st.caption(t("reassign_counts", waiting=len(waiting), kept=kept))
    targets = st.multiselect(
        t("reassign_to"), active, default=active, key="reassign_to", placeholder=t("choose_options")
    )
    if st.button(t("reassign"), key="reassign", disabled=not waiting):
        moved = _attempt(reassign_unfinished, conn, source, targets, assigned_by=user.name)
        if moved is not None:
            st.success(t("reassign_summary", moved=moved.moved, kept=moved.kept_submitted))
            st.dataframe(_per_annotator(moved.moved_to, "moved"), hide_index=True)
            if moved.unplaced:
                st.warning(t("reassign_unplaced", n=len(moved.unplaced)))

st.subheader(t("gold_heading"), anchor=False)
scores = sorted({score for d in rubric.dimensions for score in d.scores})
with st.form("gold", clear_on_submit=True):
    response = st.text_input(t("response_id"), key="gold_response")
    gold_score = st.selectbox(t("gold_score"), scores, key="gold_score")
    if st.form_submit_button(t("set_gold")):
        saved = _attempt(set_gold, conn, response.strip(), gold_score, user.name)
        if saved is not None:
            st.success(t("gold_saved", response=response.strip(), score=saved.score))
            if saved.replaced is not None:
                st.warning(t("gold_replaced", score=saved.replaced[0], lead=saved.replaced[1]))
items = gold_items(conn)
st.caption(t("gold_count", n=len(items)))
if len(items):
    shown = items.assign(dimension=items["dimension"].replace(dimension_names()))
    st.dataframe(readable(shown).rename(columns=_column), hide_index=True)

gold_team = st.multiselect(
    t("annotators"), active, default=active, key="gold_team", placeholder=t("choose_options")
)
left, right = st.columns(2)
rate = left.number_input(
    t("gold_rate"), min_value=0.0, max_value=0.5, value=0.05, step=0.01, format="%.2f", key="gold_rate"
)
gold_seed = right.number_input(t("seed"), min_value=0, value=0, step=1, key="gold_seed")
if st.button(t("mix_gold"), key="mix_gold", disabled=not len(items)):
    mixed = _attempt(mix_gold, conn, gold_team, float(rate), int(gold_seed), assigned_by=user.name)
    if mixed is not None:
        st.success(t("gold_mixed", n=sum(mixed.added.values())))
        st.dataframe(
            [
                {
                    t("annotator"): name,
                    t("rows_added"): added,
                    t("gold_share"): f"{mixed.gold_share[name]:.1%}",
                    t("gold_short"): mixed.short.get(name, 0),
                }
                for name, added in mixed.added.items()
            ],
            hide_index=True,
        )

threshold = gold_threshold_input(st)
accuracy = gold_accuracy(conn, float(threshold))
if len(accuracy):
    st.dataframe(readable(accuracy, {"accuracy": ".0%"}).rename(columns=_column), hide_index=True)
    below = accuracy[accuracy["below_threshold"]]["annotator"].tolist()
    if below:
        st.warning(t("gold_below", names=", ".join(below)))
else:
    st.caption(t("no_gold_labels"))
