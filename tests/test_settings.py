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
from annotator.store import get_setting, set_setting
from annotator.users import UserError


def test_defaults(agents_db):
    assert project_settings(agents_db) == ProjectSettings("hidden", None, "zh")


def test_changes_are_stored_and_read_back(agents_db):
    set_suggestion_mode(agents_db, "prefilled", "lea")
    set_suggestion_agent(agents_db, "scorer-v2", "lea")
    set_default_language(agents_db, "en", "lea")
    set_queue_order(agents_db, "uncertainty", "lea")
    assert project_settings(agents_db) == ProjectSettings("prefilled", "scorer-v2", "en", "uncertainty")
    assert suggestion_mode(agents_db) == "prefilled"
    set_suggestion_agent(agents_db, None, "lea")
    assert get_setting(agents_db, "suggestion_agent") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda db: set_suggestion_mode(db, "loud", "lea"), "invalid suggestion mode 'loud'"),
        (
            lambda db: set_suggestion_agent(db, "nobody", "lea"),
            "no suggestions from agent 'nobody'",
        ),
        (lambda db: set_default_language(db, "fr", "lea"), "invalid language 'fr'"),
        (lambda db: set_queue_order(db, "random", "lea"), "invalid queue order 'random'"),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(agents_db, change, message):
    with pytest.raises(SettingsError, match=message):
        change(agents_db)
    assert project_settings(agents_db) == ProjectSettings("hidden", None, "zh")


def test_only_a_lead_may_change_settings(agents_db):
    with pytest.raises(UserError, match="only a lead or admin"):
        set_suggestion_mode(agents_db, "shown", "ann")
    assert get_setting(agents_db, "suggestion_mode") is None


def test_agents_list_the_suggestions_table_and_a_configured_agent(agents_db):
    assert suggestion_agents(agents_db) == ["gpt-judge", "scorer-v2"]
    set_setting(agents_db, "suggestion_agent", "old-agent")
    assert suggestion_agents(agents_db) == ["gpt-judge", "old-agent", "scorer-v2"]


def test_a_stored_value_that_is_no_longer_valid_reads_as_the_default(agents_db):
    set_setting(agents_db, "default_language", "fr")
    set_setting(agents_db, "suggestion_mode", "loud")
    set_setting(agents_db, "queue_order", "random")
    assert project_settings(agents_db) == ProjectSettings("hidden", None, "zh")


def test_save_settings_stores_all_or_nothing(agents_db):
    save_settings(agents_db, ProjectSettings("shown", "gpt-judge", "en", "uncertainty"), "lea")
    assert project_settings(agents_db) == ProjectSettings("shown", "gpt-judge", "en", "uncertainty")
    with pytest.raises(SettingsError, match="invalid queue order"):
        save_settings(agents_db, ProjectSettings("prefilled", None, "zh", "random"), "lea")
    assert project_settings(agents_db) == ProjectSettings("shown", "gpt-judge", "en", "uncertainty")


def test_an_agent_configured_before_its_suggestions_can_stay(agents_db):
    set_setting(agents_db, "suggestion_agent", "scorer-v3")
    save_settings(agents_db, ProjectSettings("shown", "scorer-v3", "zh"), "lea")
    assert project_settings(agents_db) == ProjectSettings("shown", "scorer-v3", "zh")


def test_the_registry_declares_each_setting_once_with_an_allowed_default():
    keys = [setting.key for setting in SETTINGS]
    assert len(keys) == len(set(keys))
    for setting in SETTINGS:
        assert setting.help
        assert setting.allowed is None or setting.default is None or setting.default in setting.allowed


@pytest.mark.parametrize(("setting", "value"), [(SUGGESTION_MODE, "loud"), (DEMO, "yes")])
def test_every_writer_goes_through_the_check(agents_db, setting, value):
    with pytest.raises(SettingsError):
        setting.write(agents_db, value)
    assert get_setting(agents_db, setting.key) is None


def test_a_stored_value_no_longer_allowed_reads_as_the_default(agents_db):
    set_setting(agents_db, SUGGESTION_MODE.key, "loud")
    assert suggestion_mode(agents_db) == SUGGESTION_MODE.default == "hidden"
