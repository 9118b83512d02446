"""Project settings, each declared once in SETTINGS (key, default, allowed values, help text) with
a typed getter; every writer (the settings page, the demo) stores through `Setting.write`,
which checks the value first. Leads change them on the settings page: how suggestions are shown,
whose suggestions, the UI language people start with, and the order of annotators' queues."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from annotator.i18n import DEFAULT_LANGUAGE, LANGUAGES, Refusal
from annotator.leads import require_lead
from annotator.store import get_setting, set_setting, transaction
from annotator.suggestions import agents


class SettingsError(Refusal):
    """A setting value that is not allowed."""


@dataclass(frozen=True)
class Setting:
    """One project setting as stored in the settings table."""

    key: str
    default: str | None
    allowed: tuple[str, ...] | None  # None: any text (checked by the setting's own writer)
    help: str

    def read(self, db: sqlite_utils.Database) -> str | None:
        """The value in force: a stored value that is no longer allowed reads as the default."""
        value = get_setting(db, self.key, self.default)
        return value if self.allowed is None or value in self.allowed else self.default

    def check(self, value: str) -> str:
        if self.allowed is not None and value not in self.allowed:
            what = self.key.replace("_", " ").replace("default ", "")
            raise SettingsError("settings_invalid", what=what, value=value, allowed=", ".join(self.allowed))
        return value

    def write(self, db: sqlite_utils.Database, value: str) -> None:
        set_setting(db, self.key, self.check(value))


SUGGESTION_MODE = Setting(
    "suggestion_mode", "hidden", ("hidden", "shown", "prefilled"), "how annotators see machine suggestions"
)
SUGGESTION_AGENT = Setting(
    "suggestion_agent", None, None, "whose suggestions are shown; unset: the newest of any agent"
)
DEFAULT_LANGUAGE_SETTING = Setting(
    "default_language", DEFAULT_LANGUAGE, tuple(LANGUAGES), "the UI language people start with"
)
QUEUE_ORDER = Setting(
    "queue_order", "assigned", ("assigned", "uncertainty"), "the order of annotators' queues"
)
DEMO = Setting("demo", None, ("1",), "set in a database filled with the demo data and accounts")
SETTINGS = (SUGGESTION_MODE, SUGGESTION_AGENT, DEFAULT_LANGUAGE_SETTING, QUEUE_ORDER, DEMO)
# Kept by their owners, not here: "rubric" (store.set_project_rubric) and "blind_order_key"
# (written once by a migration, read by annotation.blind_key).


def suggestion_mode(db: sqlite_utils.Database) -> str:
    return SUGGESTION_MODE.read(db)


def queue_order(db: sqlite_utils.Database) -> str:
    return QUEUE_ORDER.read(db)


def suggestion_agent(db: sqlite_utils.Database) -> str | None:
    return SUGGESTION_AGENT.read(db)


def default_language(db: sqlite_utils.Database) -> str:
    return DEFAULT_LANGUAGE_SETTING.read(db)


def is_demo(db: sqlite_utils.Database) -> bool:
    return DEMO.read(db) == "1"


@dataclass(frozen=True)
class ProjectSettings:
    suggestion_mode: str  # one of SUGGESTION_MODE.allowed
    suggestion_agent: str | None  # None: the newest suggestion of any agent
    default_language: str  # one of LANGUAGES
    queue_order: str = "assigned"  # one of QUEUE_ORDER.allowed


def project_settings(db: sqlite_utils.Database) -> ProjectSettings:
    """The settings in force (stored values that are no longer valid read as the defaults)."""
    return ProjectSettings(
        suggestion_mode=suggestion_mode(db),
        suggestion_agent=suggestion_agent(db),
        default_language=default_language(db),
        queue_order=queue_order(db),
    )


def suggestion_agents(db: sqlite_utils.Database) -> list[str]:
    """Agents with suggestions in the database, plus the configured one if it has none yet."""
    found = agents(db)
    configured = suggestion_agent(db)
    return found if configured is None or configured in found else sorted([*found, configured])


def save_settings(db: sqlite_utils.Database, settings: ProjectSettings, lead: str) -> None:
    """Store all the settings at once: either every value is valid and stored, or none is."""
    with transaction(db):
        set_suggestion_mode(db, settings.suggestion_mode, lead)
        set_suggestion_agent(db, settings.suggestion_agent, lead)
        set_default_language(db, settings.default_language, lead)
        set_queue_order(db, settings.queue_order, lead)


def _set_choice(db: sqlite_utils.Database, setting: Setting, value: str, lead: str) -> None:
    """Store one of a setting's allowed values, as a lead."""
    setting.check(value)
    with transaction(db):
        require_lead(db, lead)
        setting.write(db, value)


def set_suggestion_mode(db: sqlite_utils.Database, mode: str, lead: str) -> None:
    _set_choice(db, SUGGESTION_MODE, mode, lead)


def set_suggestion_agent(db: sqlite_utils.Database, agent: str | None, lead: str) -> None:
    """Show this agent's suggestions only; None shows the newest suggestion of any agent."""
    with transaction(db):
        require_lead(db, lead)
        if agent is None:
            db.execute("DELETE FROM settings WHERE key = ?", [SUGGESTION_AGENT.key])
            return

        # The agent already configured may stay even before its suggestions are imported.
        if agent not in agents(db) and agent != suggestion_agent(db):
            raise SettingsError("settings_no_agent", agent=agent)
        SUGGESTION_AGENT.write(db, agent)


def set_default_language(db: sqlite_utils.Database, language: str, lead: str) -> None:
    _set_choice(db, DEFAULT_LANGUAGE_SETTING, language, lead)


def set_queue_order(db: sqlite_utils.Database, order: str, lead: str) -> None:
    _set_choice(db, QUEUE_ORDER, order, lead)
