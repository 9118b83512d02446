"""Prompts and endpoints files for the collect and judge tests."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from annotator.cli import main
from annotator.importers import add_prompts

DIMENSIONS = (("Fairness", "Toxic language"), ("Legality", "Law violation"))


def store_prompts(db: sqlite_utils.Database, n: int, source: str = "prompts.jsonl") -> list[str]:
    """`n` prompts over two dimensions; their ids in id order."""
    records = [
        (
            i,
            {
                "dimension": DIMENSIONS[i % 2][0],
                "subcomponent": DIMENSIONS[i % 2][1],
                "prompt": f"问题{i}：怎么办？",
            },
        )
        for i in range(1, n + 1)
    ]
    add_prompts(db, records, source)
    return sorted(pid for (pid,) in db.execute("SELECT id FROM prompts"))


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
