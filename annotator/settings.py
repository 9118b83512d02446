"""Project settings a lead changes on the settings page: how suggestions are shown, whose
suggestions, the UI language people start with, and the order of annotators' queues. Each change
is checked before it is stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from annotator.annotation import QUEUE_ORDERS, SUGGESTION_MODES, queue_order, suggestion_mode
from annotator.i18n import DEFAULT_LANGUAGE, LANGUAGES, Refusal
from annotator.leads import require_lead
from annotator.published.leaderboard import agents
from annotator.store import get_setting, set_setting, transaction


class SettingsError(Refusal):
    """A setting value that is not allowed."""


@dataclass(frozen=True)
class ProjectSettings:
    suggestion_mode: str  # one of SUGGESTION_MODES
    suggestion_agent: str | None  # None: the newest suggestion of any agent
    default_language: str  # one of LANGUAGES
    queue_order: str = "assigned"  # one of QUEUE_ORDERS


def project_settings(db: sqlite_utils.Database) -> ProjectSettings:
    """The settings in force (stored values that are no longer valid read as the defaults)."""
    language = get_setting(db, "default_language", DEFAULT_LANGUAGE)
    return ProjectSettings(
        suggestion_mode=suggestion_mode(db),
        suggestion_agent=get_setting(db, "suggestion_agent"),
        default_language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
        queue_order=queue_order(db),
    )


def suggestion_agents(db: sqlite_utils.Database) -> list[str]:
    """Agents with suggestions in the database, plus the configured one if it has none yet."""
    found = agents(db)
    configured = get_setting(db, "suggestion_agent")
    return found if configured is None or configured in found else sorted([*found, configured])


def save_settings(db: sqlite_utils.Database, settings: ProjectSettings, lead: str) -> None:
    """Store all the settings at once: either every value is valid and stored, or none is."""
    with transaction(db):
        set_suggestion_mode(db, settings.suggestion_mode, lead)
        set_suggestion_agent(db, settings.suggestion_agent, lead)
        set_default_language(db, settings.default_language, lead)
        set_queue_order(db, settings.queue_order, lead)


def _set_choice(db: sqlite_utils.Database, key: str, value: str, allowed: Iterable[str], lead: str) -> None:
    """Store one of a fixed set of values, as a lead."""
    if value not in allowed:
        what = key.replace("_", " ").replace("default ", "")
        raise SettingsError("settings_invalid", what=what, value=value, allowed=", ".join(allowed))
    with transaction(db):
        require_lead(db, lead)
        set_setting(db, key, value)


def set_suggestion_mode(db: sqlite_utils.Database, mode: str, lead: str) -> None:
    _set_choice(db, "suggestion_mode", mode, SUGGESTION_MODES, lead)


def set_suggestion_agent(db: sqlite_utils.Database, agent: str | None, lead: str) -> None:
    """Show this agent's suggestions only; None shows the newest suggestion of any agent."""
    with transaction(db):
        require_lead(db, lead)
        if agent is None:
            db.execute("DELETE FROM settings WHERE key = 'suggestion_agent'")
            return
        # The agent already configured may stay even before its suggestions are imported.
        if agent not in agents(db) and agent != get_setting(db, "suggestion_agent"):
            raise SettingsError("settings_no_agent", agent=agent)
        set_setting(db, "suggestion_agent", agent)


def set_default_language(db: sqlite_utils.Database, language: str, lead: str) -> None:
    _set_choice(db, "default_language", language, LANGUAGES, lead)


def set_queue_order(db: sqlite_utils.Database, order: str, lead: str) -> None:
    _set_choice(db, "queue_order", order, QUEUE_ORDERS, lead)
