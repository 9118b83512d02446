from __future__ import annotations

import pytest

from annotator.settings import (
    DEMO,
    SETTINGS,
    SUGGESTION_MODE,
    ProjectSettings,
    SettingsError,
    project_settings,
    save_settings,
    set_default_language,
    set_queue_order,
    set_suggestion_agent,
    set_suggestion_mode,
    suggestion_agents,
    suggestion_mode,
)
from annotator.store import get_setting, now, set_setting
from annotator.users import UserError
from tests.lead_data import add_prompts, add_response, add_users, new_db


@pytest.fixture
def db():
    database = new_db()
    add_users(database, ["lea"], role="lead")
    add_users(database, ["ann"])
    rid = add_response(database, add_prompts(database, 1)[0])
    for agent in ("scorer-v2", "gpt-judge"):
        database.execute(
            "INSERT INTO suggestions (response_id, agent, score, created_at) VALUES (?, ?, 3, ?)",
            [rid, agent, now()],
        )
    return database


def test_defaults(db):
    assert project_settings(db) == ProjectSettings("hidden", None, "zh")


def test_changes_are_stored_and_read_back(db):
    set_suggestion_mode(db, "prefilled", "lea")
    set_suggestion_agent(db, "scorer-v2", "lea")
    set_default_language(db, "en", "lea")
    set_queue_order(db, "uncertainty", "lea")
    assert project_settings(db) == ProjectSettings("prefilled", "scorer-v2", "en", "uncertainty")
    assert suggestion_mode(db) == "prefilled"
    set_suggestion_agent(db, None, "lea")
    assert get_setting(db, "suggestion_agent") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda db: set_suggestion_mode(db, "loud", "lea"), "invalid suggestion mode 'loud'"),
        (lambda db: set_suggestion_agent(db, "nobody", "lea"), "no suggestions from agent 'nobody'"),
        (lambda db: set_default_language(db, "fr", "lea"), "invalid language 'fr'"),
        (lambda db: set_queue_order(db, "random", "lea"), "invalid queue order 'random'"),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(db, change, message):
    with pytest.raises(SettingsError, match=message):
        change(db)
    assert project_settings(db) == ProjectSettings("hidden", None, "zh")


def test_only_a_lead_may_change_settings(db):
    with pytest.raises(UserError, match="only a lead or admin"):
        set_suggestion_mode(db, "shown", "ann")
    assert get_setting(db, "suggestion_mode") is None


def test_agents_list_the_suggestions_table_and_a_configured_agent(db):
    assert suggestion_agents(db) == ["gpt-judge", "scorer-v2"]
    set_setting(db, "suggestion_agent", "old-agent")
    assert suggestion_agents(db) == ["gpt-judge", "old-agent", "scorer-v2"]


def test_a_stored_value_that_is_no_longer_valid_reads_as_the_default(db):
    set_setting(db, "default_language", "fr")
    set_setting(db, "suggestion_mode", "loud")
    set_setting(db, "queue_order", "random")
    assert project_settings(db) == ProjectSettings("hidden", None, "zh")


def test_save_settings_stores_all_or_nothing(db):
    save_settings(db, ProjectSettings("shown", "gpt-judge", "en", "uncertainty"), "lea")
    assert project_settings(db) == ProjectSettings("shown", "gpt-judge", "en", "uncertainty")
    with pytest.raises(SettingsError, match="invalid queue order"):
        save_settings(db, ProjectSettings("prefilled", None, "zh", "random"), "lea")
    assert project_settings(db) == ProjectSettings("shown", "gpt-judge", "en", "uncertainty")


def test_an_agent_configured_before_its_suggestions_can_stay(db):
    set_setting(db, "suggestion_agent", "scorer-v3")
    save_settings(db, ProjectSettings("shown", "scorer-v3", "zh"), "lea")
    assert project_settings(db) == ProjectSettings("shown", "scorer-v3", "zh")


def test_the_registry_declares_each_setting_once_with_an_allowed_default():
    keys = [setting.key for setting in SETTINGS]
    assert len(keys) == len(set(keys))
    for setting in SETTINGS:
        assert setting.help
        assert setting.allowed is None or setting.default is None or setting.default in setting.allowed


@pytest.mark.parametrize(("setting", "value"), [(SUGGESTION_MODE, "loud"), (DEMO, "yes")])
def test_every_writer_goes_through_the_check(db, setting, value):
    with pytest.raises(SettingsError):
        setting.write(db, value)
    assert get_setting(db, setting.key) is None


def test_a_stored_value_no_longer_allowed_reads_as_the_default(db):
    set_setting(db, SUGGESTION_MODE.key, "loud")
    assert suggestion_mode(db) == SUGGESTION_MODE.default == "hidden"
