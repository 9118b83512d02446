"""Handing prompts to annotators with overlap: k different annotators per prompt.

Design (see the README): prompts are taken in one seeded random order; each prompt that has
fewer than k annotators gets the missing ones one at a time, always from the least-loaded
eligible annotators (load = their non-gold assignments, old ones included), which keeps every
annotator's count within one of the others'. Among equally loaded candidates the one that
forms the most pairs not yet seen together wins, then the one with the fewest shared prompts
with the annotators already on the prompt, then the one with the most partners still unmet,
then the seed. So every pair of annotators ends up sharing prompts, which pairwise agreement
needs. Rows are only ever inserted, never changed: assigning more prompts or adding an
annotator later leaves the existing assignments alone.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import sqlite_utils

from annotator.i18n import Refusal
from annotator.leads import require_lead
from annotator.states import AssignmentStatus, LabelStatus, Role
from annotator.store import now, project_rubric, transaction
from annotator.users import require_user

DEFAULT_OVERLAP = 3


class AssignmentError(Refusal):
    """Annotators, an overlap or a prompt selection that cannot be assigned."""


@dataclass(frozen=True)
class AssignmentSummary:
    prompts_selected: int
    prompts_assigned: int  # prompts that received new rows
    already_complete: int  # prompts that already had k annotators and were left alone
    rows_added: int
    added_by_annotator: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReassignmentSummary:
    moved: int
    moved_to: dict[str, int] = field(default_factory=dict)
    kept_submitted: int = 0  # prompts the old annotator submitted work on: they stay theirs
    unplaced: tuple[str, ...] = ()  # prompts every target already had: still with the old annotator


def check_annotators(db: sqlite_utils.Database, names: Iterable[str]) -> list[str]:
    """Sorted distinct names, each an active user with role annotator."""
    names = [name.strip() for name in names if name.strip()]
    if not names:
        raise AssignmentError("assign_no_annotators")
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise AssignmentError("assign_repeated", names=", ".join(repeated))
    for name in names:
        user = require_user(db, name)
        if user.role != Role.ANNOTATOR:
            raise AssignmentError("assign_not_annotator", name=name, role=user.role)
        if not user.active:
            raise AssignmentError("assign_inactive", name=name)
    return sorted(names)


def select_prompts(
    db: sqlite_utils.Database,
    prompt_ids: Sequence[str] | None = None,
    *,
    dimension: str | None = None,
    subcomponent: str | None = None,
    batch: str | None = None,
) -> list[str]:
    """Ids of the chosen prompts, sorted: the given ids or all prompts matching the filters."""
    if prompt_ids is not None:
        if dimension or subcomponent or batch:
            raise AssignmentError("assign_ids_and_filters")
        known = {row[0] for row in db.execute("SELECT id FROM prompts")}
        unknown = sorted(set(prompt_ids) - known)
        if unknown:
            raise AssignmentError("assign_unknown_ids", ids=", ".join(unknown[:5]))
        return sorted(set(prompt_ids))
    clauses, params = [], []
    if dimension is not None:
        project_rubric(db).dimension(dimension)
        clauses.append("dimension = ?")
        params.append(dimension)
    if subcomponent is not None:
        rubric = project_rubric(db)
        if dimension is not None:
            rubric.check_subcomponent(dimension, subcomponent)
        elif not any(subcomponent in d.subcomponents for d in rubric.dimensions):
            raise AssignmentError("assign_unknown_subcomponent", subcomponent=subcomponent)
        clauses.append("subcomponent = ?")
        params.append(subcomponent)
    if batch is not None:
        if db.execute("SELECT 1 FROM import_batches WHERE id = ?", [batch]).fetchone() is None:
            raise AssignmentError("assign_unknown_batch", batch=batch)
        clauses.append("batch = ?")
        params.append(batch)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return [row[0] for row in db.execute(f"SELECT id FROM prompts {where} ORDER BY id", params)]


def prompt_batches(db: sqlite_utils.Database) -> list[str]:
    """Import batches that brought prompts, oldest first (the choices for assigning by batch)."""
    return [
        row[0]
        for row in db.execute(
            "SELECT b.id FROM import_batches b WHERE EXISTS (SELECT 1 FROM prompts p WHERE p.batch = b.id) "
            "ORDER BY b.created_at, b.id"
        )
    ]


class _Team:
    """Loads, pair counts and queue ends of a set of annotators, updated as rows are planned."""

    def __init__(self, db: sqlite_utils.Database, names: list[str], rng: random.Random) -> None:
        self.names = names
        self.rng = rng
        marks = ",".join("?" * len(names))
        self.load = Counter({name: 0 for name in names})
        self.load.update(
            dict(
                db.execute(
                    f"SELECT annotator, COUNT(*) FROM assignments WHERE gold = 0 AND annotator IN ({marks}) "
                    "GROUP BY annotator",
                    names,
                ).fetchall()
            )
        )
        self.together: Counter[tuple[str, str]] = Counter()
        for a, b, count in db.execute(
            f"SELECT x.annotator, y.annotator, COUNT(*) FROM assignments x JOIN assignments y "
            f"ON x.prompt_id = y.prompt_id AND x.annotator < y.annotator "
            f"WHERE x.annotator IN ({marks}) AND y.annotator IN ({marks}) GROUP BY 1, 2",
            names + names,
        ):
            self.together[(a, b)] = count
        self.unmet = {
            name: sum(1 for other in names if other != name and not self.together[_pair(name, other)])
            for name in names
        }
        self.next_position = {name: 0 for name in names}
        self.next_position.update(
            {
                name: top + 1
                for name, top in db.execute(
                    f"SELECT annotator, MAX(position) FROM assignments WHERE annotator IN ({marks}) "
                    "GROUP BY annotator",
                    names,
                )
            }
        )

    def choose(self, needed: int, on_prompt: set[str]) -> list[str]:
        """`needed` annotators not in `on_prompt`, least loaded first, then best for pair coverage."""
        mates = [name for name in on_prompt if name in self.load]
        candidates = [name for name in self.names if name not in on_prompt]
        chosen: list[str] = []
        for _ in range(needed):
            lowest = min(self.load[name] for name in candidates)
            best = min(
                (name for name in candidates if self.load[name] == lowest),
                key=lambda name: self._fit(name, mates),
            )
            candidates.remove(best)
            chosen.append(best)
            mates.append(best)
        return chosen

    def _fit(self, name: str, mates: list[str]) -> tuple[int, int, int, float]:
        """Smaller is better: most new pairs, fewest shared prompts, most partners unmet, then chance."""
        shared = [self.together[_pair(name, mate)] for mate in mates]
        return (-shared.count(0), sum(shared), -self.unmet[name], self.rng.random())

    def take(self, prompt_members: Iterable[str], added: Sequence[str]) -> None:
        members = [name for name in prompt_members if name in self.load]
        for name in added:
            self.load[name] += 1
            self.next_position[name] += 1
            for other in members:
                if other != name and (other not in added or other < name):
                    pair = _pair(name, other)
                    if not self.together[pair]:
                        self.unmet[name] -= 1
                        self.unmet[other] -= 1
                    self.together[pair] += 1


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _members(db: sqlite_utils.Database, prompt_ids: Sequence[str]) -> dict[str, set[str]]:
    """Who already has each prompt: assigned to it, or with submitted labels on it (imported labels
    come without an assignment; assigning the prompt again would put them back in play). Drafts
    left without an assignment (moved away by `reassign_unfinished`) do not count."""
    members: dict[str, set[str]] = {prompt_id: set() for prompt_id in prompt_ids}
    rows = db.execute(
        "SELECT prompt_id, annotator FROM assignments UNION "
        "SELECT r.prompt_id, l.annotator FROM labels l JOIN responses r ON r.id = l.response_id "
        f"WHERE l.status = '{LabelStatus.SUBMITTED}'"
    )
    for prompt_id, annotator in rows:
        if prompt_id in members:
            members[prompt_id].add(annotator)
    return members


def assign(
    db: sqlite_utils.Database,
    annotators: Sequence[str],
    overlap: int = DEFAULT_OVERLAP,
    *,
    prompt_ids: Sequence[str] | None = None,
    dimension: str | None = None,
    subcomponent: str | None = None,
    batch: str | None = None,
    seed: int = 0,
    assigned_by: str | None = None,
) -> AssignmentSummary:
    """Give every selected prompt `overlap` different annotators, adding rows only where missing.

    A prompt's existing assignments (to anyone, gold rows included) and the annotators with
    imported labels on it count toward the overlap.
    """
    names = check_annotators(db, annotators)
    if assigned_by is not None:
        require_lead(db, assigned_by)
    if not 1 <= overlap <= len(names):
        raise AssignmentError("assign_overlap", n=len(names))
    with transaction(db):
        selected = select_prompts(db, prompt_ids, dimension=dimension, subcomponent=subcomponent, batch=batch)
        rng = random.Random(seed)
        order = list(selected)
        rng.shuffle(order)
        team = _Team(db, names, rng)
        members = _members(db, order)
        stamp = now()
        rows: list[tuple] = []
        added = Counter({name: 0 for name in names})
        assigned = complete = 0
        for prompt_id in order:
            needed = overlap - len(members[prompt_id])
            if needed <= 0:
                complete += 1
                continue
            chosen = team.choose(needed, members[prompt_id])
            for name in chosen:
                rows.append((prompt_id, name, team.next_position[name], stamp, assigned_by))
            team.take(members[prompt_id] | set(chosen), chosen)
            added.update(chosen)
            assigned += 1
        db.conn.executemany(
            "INSERT INTO assignments (prompt_id, annotator, position, assigned_at, assigned_by) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return AssignmentSummary(
        prompts_selected=len(selected),
        prompts_assigned=assigned,
        already_complete=complete,
        rows_added=len(rows),
        added_by_annotator=dict(added),
    )


def unfinished_prompts(db: sqlite_utils.Database, annotator: str) -> tuple[list[str], int]:
    """(the annotator's open/skipped non-gold prompts without submitted labels, in queue order,
    the number of open/skipped prompts kept because the annotator submitted labels on them)."""
    rows = db.execute(
        "SELECT a.prompt_id, EXISTS (SELECT 1 FROM labels l JOIN responses r ON r.id = l.response_id "
        "  WHERE r.prompt_id = a.prompt_id AND l.annotator = a.annotator "
        f"  AND l.status = '{LabelStatus.SUBMITTED}') "
        "FROM assignments a WHERE a.annotator = ? AND a.gold = 0 "
        f"AND a.status IN ('{AssignmentStatus.OPEN}', '{AssignmentStatus.SKIPPED}') "
        "ORDER BY a.position, a.prompt_id",
        [annotator],
    ).fetchall()
    return [prompt_id for prompt_id, submitted in rows if not submitted], sum(s for _, s in rows)


def reassign_unfinished(
    db: sqlite_utils.Database,
    from_annotator: str,
    to_annotators: Sequence[str],
    seed: int = 0,
    *,
    assigned_by: str | None = None,
) -> ReassignmentSummary:
    """Move an inactive annotator's unfinished prompts to others, one each, least loaded first.

    Submitted work (and any prompt with a submitted label) stays with its author; the old
    annotator's drafts stay in the labels table. A target never gets a prompt twice.
    """
    if assigned_by is not None:
        require_lead(db, assigned_by)
    old = require_user(db, from_annotator)
    if old.active:
        raise AssignmentError("assign_still_active", name=from_annotator)
    names = check_annotators(db, to_annotators)
    if from_annotator in names:
        raise AssignmentError("assign_to_themselves", name=from_annotator)
    with transaction(db):
        prompts, kept = unfinished_prompts(db, from_annotator)
        team = _Team(db, names, random.Random(seed))
        members = _members(db, prompts)
        stamp = now()
        moved_to = Counter({name: 0 for name in names})
        unplaced = []
        for prompt_id in prompts:
            others = members[prompt_id] - {from_annotator}
            if all(name in others for name in names):
                unplaced.append(prompt_id)
                continue
            [target] = team.choose(1, others)
            db.execute(
                "UPDATE assignments SET annotator = ?, position = ?, "
                f"status = '{AssignmentStatus.OPEN}', skip_reason = NULL, seconds = 0, "
                "assigned_at = ?, assigned_by = ?, submitted_at = NULL "
                "WHERE prompt_id = ? AND annotator = ?",
                [target, team.next_position[target], stamp, assigned_by, prompt_id, from_annotator],
            )
            team.take(others | {target}, [target])
            moved_to[target] += 1
    return ReassignmentSummary(
        moved=sum(moved_to.values()),
        moved_to=dict(moved_to),
        kept_submitted=kept,
        unplaced=tuple(unplaced),
    )


def assignment_stats(db: sqlite_utils.Database) -> dict[str, dict[str, int]]:
    """Non-gold assignments per annotator, and how many prompts have each overlap ("0" included)."""
    by_annotator = dict(
        db.execute(
            "SELECT annotator, COUNT(*) FROM assignments WHERE gold = 0 GROUP BY annotator ORDER BY annotator"
        ).fetchall()
    )
    by_overlap = {
        str(k): n
        for k, n in db.execute(
            "SELECT k, COUNT(*) FROM (SELECT p.id, COUNT(a.annotator) AS k FROM prompts p "
            "LEFT JOIN assignments a ON a.prompt_id = p.id AND a.gold = 0 GROUP BY p.id) "
            "GROUP BY k ORDER BY k"
        )
    }
    return {"assignments_by_annotator": by_annotator, "prompts_by_overlap": by_overlap}


def pairs_without_shared_prompt(
    db: sqlite_utils.Database, annotators: Sequence[str]
) -> list[tuple[str, str]]:
    """Pairs of the given annotators that have no prompt in common (agreement cannot be measured)."""
    shared = {
        (a, b)
        for a, b in db.execute(
            "SELECT DISTINCT x.annotator, y.annotator FROM assignments x JOIN assignments y "
            "ON x.prompt_id = y.prompt_id AND x.annotator < y.annotator"
        )
    }
    return [pair for pair in combinations(sorted(set(annotators)), 2) if pair not in shared]
