"""How the tool is set up: optional extras, telemetry, the database file a command is given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.i18n import Refusal, text
from annotator.telemetry import OFF_SWITCHES

ROOT = Path(__file__).resolve().parent.parent


def requirement_names(path: Path) -> set[str]:
    """Package names a requirements file installs, following its -r includes."""
    names: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            names |= requirement_names(path.parent / line[3:].strip())
        elif line:
            names.add(line.split("==")[0].lower())
    return names


def test_openvino_and_nncf_are_an_optional_extra_that_the_tests_install():
    fast = {"openvino", "nncf"}
    assert not fast & requirement_names(ROOT / "requirements.txt")
    assert fast <= requirement_names(ROOT / "requirements-fast.txt")
    assert fast <= requirement_names(ROOT / "requirements-dev.txt")  # `./dev test`, hence CI


def test_importing_the_library_turns_telemetry_off():
    env = {key: value for key, value in os.environ.items() if key not in OFF_SWITCHES}
    code = (
        "import os, annotator, annotator.telemetry as t; "
        "print(all(os.environ[k] == v for k, v in t.OFF_SWITCHES.items()))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "True", out.stderr


def test_streamlit_gathers_no_usage_stats():
    assert "gatherUsageStats = false" in (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")


def test_bf16_and_int8_without_the_extra_say_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "openvino", None)  # `import openvino` now fails as if absent
    monkeypatch.delitem(sys.modules, "annotator.scorer.fast", raising=False)
    with pytest.raises(Refusal) as refused:
        import annotator.scorer.fast  # noqa: F401
    assert refused.value.key == "fast_extra_missing"
    assert "requirements-fast.txt" in str(refused.value) and "./dev app --fast" in str(refused.value)
    assert "requirements-fast.txt" in text("fast_extra_missing", "zh")
