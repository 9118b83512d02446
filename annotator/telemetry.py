"""Usage telemetry off in every installed library that sends it.

Each library reads its switch when it is imported, so `annotator/__init__.py` sets them before any
of them loads. Streamlit's is `gatherUsageStats = false` in .streamlit/config.toml; OpenVINO's model
conversion reads only its consent file, which `./dev` sets with `opt_in_out --opt_out` when it
installs the fast-CPU extra (docs/development.md).
"""

from __future__ import annotations

import os

OFF_SWITCHES = {
    # Hugging Face Hub: transformers, datasets and TRL report through it.
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # NNCF: its only use of this variable is to replace its telemetry with a stub.
    "NNCF_CI": "1",
    # OpenTelemetry (FastAPI under `transformers serve`): no exporter is configured anyway.
    "OTEL_SDK_DISABLED": "true",
}


def turn_off_telemetry() -> None:
    """Set every off switch a person has not set otherwise."""
    for name, value in OFF_SWITCHES.items():
        os.environ.setdefault(name, value)
