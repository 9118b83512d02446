"""Project settings a lead changes on the settings page: how suggestions are shown, whose
suggestions, and the UI language people start with. Each change is checked before it is stored."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from annotator.annotation import SUGGESTION_MODES, suggestion_mode
from annotator.i18n import DEFAULT_LANGUAGE, LANGUAGES
from annotator.leaderboard import agents
from annotator.leads import require_lead
from annotator.store import get_setting, set_setting, transaction


class SettingsError(ValueError):
    """A setting value that is not allowed."""


@dataclass(frozen=True)
class ProjectSettings:
    suggestion_mode: str  # one of SUGGESTION_MODES
    suggestion_agent: str | None  # None: the newest suggestion of any agent
    default_language: str  # one of LANGUAGES


def project_settings(db: sqlite_utils.Database) -> ProjectSettings:
    """The settings in force (stored values that are no longer valid read as the defaults)."""
    language = get_setting(db, "default_language", DEFAULT_LANGUAGE)
    return ProjectSettings(
        suggestion_mode=suggestion_mode(db),
        suggestion_agent=get_setting(db, "suggestion_agent"),
        default_language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
    )


def suggestion_agents(db: sqlite_utils.Database) -> list[str]:
    """Agents with suggestions in the database, plus the configured one if it has none yet."""
    found = agents(db)
    configured = get_setting(db, "suggestion_agent")
    return found if configured is None or configured in found else sorted([*found, configured])


def save_settings(db: sqlite_utils.Database, settings: ProjectSettings, lead: str) -> None:
    """Store all three settings at once: either every value is valid and stored, or none is."""
    with transaction(db):
        set_suggestion_mode(db, settings.suggestion_mode, lead)
        set_suggestion_agent(db, settings.suggestion_agent, lead)
        set_default_language(db, settings.default_language, lead)


def set_suggestion_mode(db: sqlite_utils.Database, mode: str, lead: str) -> None:
    if mode not in SUGGESTION_MODES:
        raise SettingsError(f"invalid suggestion mode {mode!r} (allowed: {', '.join(SUGGESTION_MODES)})")
    with transaction(db):
        require_lead(db, lead)
        set_setting(db, "suggestion_mode", mode)


def set_suggestion_agent(db: sqlite_utils.Database, agent: str | None, lead: str) -> None:
    """Show this agent's suggestions only; None shows the newest suggestion of any agent."""
    with transaction(db):
        require_lead(db, lead)
        if agent is None:
            db.execute("DELETE FROM settings WHERE key = 'suggestion_agent'")
            return
        # The agent already configured may stay even before its suggestions are imported.
        if agent not in agents(db) and agent != get_setting(db, "suggestion_agent"):
            raise SettingsError(f"no suggestions from agent {agent!r}")
        set_setting(db, "suggestion_agent", agent)


def set_default_language(db: sqlite_utils.Database, language: str, lead: str) -> None:
    if language not in LANGUAGES:
        raise SettingsError(f"invalid language {language!r} (allowed: {', '.join(LANGUAGES)})")
    with transaction(db):
        require_lead(db, lead)
        set_setting(db, "default_language", language)
