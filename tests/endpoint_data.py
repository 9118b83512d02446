"""Endpoints files and a command runner for the collect and judge tests."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.cli import main


def entry(kind: str, name: str, base_url: str, model: str | Path, **keys: object) -> str:
    lines = [f"[[{kind}]]", f"name = {json.dumps(name)}", f"base_url = {json.dumps(base_url)}"]
    lines.append(f"model = {json.dumps(str(model))}")
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def endpoints_file(path: Path, *entries: str) -> Path:
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def run_cli(capsys, db_path: Path, *args: str) -> tuple[int, dict | str, str]:
    """(exit code, the --json summary or the printed text, stderr) of one command."""
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in args and out.strip() else out), err
