"""The versioned schema: every change to the tables is one entry in MIGRATIONS.

A database records its version in `PRAGMA user_version`. Opening a file runs the migrations
it has not seen yet, each in its own transaction, so an older file is upgraded in place and
keeps every row. Never edit a migration that has shipped; append a new one.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


CORE_TABLES = """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE import_batches (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            source_file TEXT NOT NULL,
            created_at TEXT NOT NULL,
            added INTEGER NOT NULL,
            existing INTEGER NOT NULL
        );
        CREATE TABLE prompts (
            id TEXT PRIMARY KEY,
            dimension TEXT NOT NULL,
            subcomponent TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            source_file TEXT,
            batch TEXT REFERENCES import_batches(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX prompts_dimension ON prompts(dimension);
        CREATE TABLE models (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        );
        CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            prompt_id TEXT NOT NULL REFERENCES prompts(id),
            model TEXT NOT NULL REFERENCES models(name),
            text TEXT NOT NULL,
            source_file TEXT,
            batch TEXT REFERENCES import_batches(id),
            created_at TEXT NOT NULL,
            UNIQUE (prompt_id, model)
        );
        CREATE INDEX responses_model ON responses(model);
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('annotator', 'lead', 'admin')),
            password_hash TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            language TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE assignments (
            prompt_id TEXT NOT NULL REFERENCES prompts(id),
            annotator TEXT NOT NULL REFERENCES users(name),
            position INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'submitted', 'skipped')),
            skip_reason TEXT,
            seconds REAL NOT NULL DEFAULT 0,
            assigned_at TEXT NOT NULL,
            assigned_by TEXT,
            submitted_at TEXT,
            PRIMARY KEY (prompt_id, annotator)
        );
        CREATE INDEX assignments_annotator ON assignments(annotator, status, position);
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            response_id TEXT NOT NULL REFERENCES responses(id),
            annotator TEXT NOT NULL REFERENCES users(name),
            score INTEGER,
            explanation TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            seconds REAL NOT NULL DEFAULT 0,
            suggestion_mode TEXT NOT NULL DEFAULT 'none'
                CHECK (suggestion_mode IN ('none', 'hidden', 'shown', 'prefilled')),
            suggestion_agent TEXT,
            suggestion_score INTEGER,
            rubric_version TEXT,
            guideline_version INTEGER,
            source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'import')),
            UNIQUE (response_id, annotator)
        );
        CREATE INDEX labels_annotator ON labels(annotator, status);
        CREATE TABLE label_history (
            id INTEGER PRIMARY KEY,
            label_id INTEGER NOT NULL,
            response_id TEXT NOT NULL,
            annotator TEXT NOT NULL,
            score INTEGER,
            explanation TEXT NOT NULL,
            status TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
        CREATE INDEX label_history_label ON label_history(label_id);
        -- Every change to a label lands here, whatever code path made it.
        CREATE TRIGGER labels_history_insert AFTER INSERT ON labels BEGIN
            INSERT INTO label_history
                (label_id, response_id, annotator, score, explanation, status, changed_at)
            VALUES (new.id, new.response_id, new.annotator, new.score, new.explanation,
                    new.status, new.updated_at);
        END;
        CREATE TRIGGER labels_history_update AFTER UPDATE ON labels
        WHEN old.score IS NOT new.score OR old.explanation IS NOT new.explanation
             OR old.status IS NOT new.status BEGIN
            INSERT INTO label_history
                (label_id, response_id, annotator, score, explanation, status, changed_at)
            VALUES (new.id, new.response_id, new.annotator, new.score, new.explanation,
                    new.status, new.updated_at);
        END;
        CREATE TRIGGER labels_no_delete BEFORE DELETE ON labels BEGIN
            SELECT RAISE(ABORT, 'labels are never deleted');
        END;
        CREATE TRIGGER label_history_append_only_update BEFORE UPDATE ON label_history BEGIN
            SELECT RAISE(ABORT, 'label history is append-only');
        END;
        CREATE TRIGGER label_history_append_only_delete BEFORE DELETE ON label_history BEGIN
            SELECT RAISE(ABORT, 'label history is append-only');
        END;
        CREATE TABLE suggestions (
            response_id TEXT NOT NULL REFERENCES responses(id),
            agent TEXT NOT NULL,
            score INTEGER NOT NULL,
            confidence REAL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (response_id, agent)
        );
        CREATE TABLE adjudications (
            response_id TEXT PRIMARY KEY REFERENCES responses(id),
            final_score INTEGER NOT NULL,
            lead TEXT NOT NULL REFERENCES users(name),
            reason TEXT NOT NULL
                CHECK (reason IN ('annotator_error', 'ambiguous_prompt', 'guideline_gap', 'other')),
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
"""


AUTH_TABLES = """
        ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN last_failed_at TEXT;
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user TEXT NOT NULL REFERENCES users(name),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX sessions_user ON sessions(user);
"""


LEAD_WORKFLOW_TABLES = """
        ALTER TABLE assignments ADD COLUMN gold INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE gold (
            response_id TEXT PRIMARY KEY REFERENCES responses(id),
            score INTEGER NOT NULL,
            created_by TEXT REFERENCES users(name),
            created_at TEXT NOT NULL
        );
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            prompt_id TEXT NOT NULL REFERENCES prompts(id),
            response_id TEXT REFERENCES responses(id),
            reporter TEXT NOT NULL REFERENCES users(name),
            kind TEXT NOT NULL
                CHECK (kind IN ('prompt_unclear', 'response_truncated', 'not_chinese', 'other')),
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            resolved_at TEXT,
            resolved_by TEXT
        );
        CREATE TABLE guidelines (
            version INTEGER PRIMARY KEY,
            markdown TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE adjudication_history (
            id INTEGER PRIMARY KEY,
            response_id TEXT NOT NULL,
            final_score INTEGER NOT NULL,
            lead TEXT NOT NULL,
            reason TEXT NOT NULL,
            note TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
        CREATE TRIGGER adjudications_history_insert AFTER INSERT ON adjudications BEGIN
            INSERT INTO adjudication_history
                (response_id, final_score, lead, reason, note, changed_at)
            VALUES (new.response_id, new.final_score, new.lead, new.reason, new.note,
                    new.updated_at);
        END;
        CREATE TRIGGER adjudications_history_update AFTER UPDATE ON adjudications BEGIN
            INSERT INTO adjudication_history
                (response_id, final_score, lead, reason, note, changed_at)
            VALUES (new.response_id, new.final_score, new.lead, new.reason, new.note,
                    new.updated_at);
        END;
"""


# Orders made before this key existed were computable from public names; they reshuffle once.
BLIND_ORDER_KEY = """
        INSERT INTO settings (key, value) VALUES ('blind_order_key', lower(hex(randomblob(16))));
"""


# What each collected response came from (endpoint model id, settings as sent, finish reason, token
# usage, latency, time), and each collect or judge run's summary (the Models page shows the last).
ENDPOINT_TABLES = """
        CREATE TABLE response_generations (
            response_id TEXT PRIMARY KEY REFERENCES responses(id),
            endpoint_model TEXT NOT NULL,
            settings TEXT NOT NULL,
            finish_reason TEXT,
            answer TEXT NOT NULL CHECK (answer IN ('text', 'empty', 'filtered')),
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            total_tokens INTEGER,
            latency_ms REAL NOT NULL,
            answered_at TEXT NOT NULL
        );
        CREATE TABLE endpoint_runs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('collect', 'judge')),
            endpoints_file TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            summary TEXT
        );
"""

# Evidence: the words of a response an annotator marked as deciding its score, a JSON list of
# {"start", "end", "text"} (character offsets into the response text). Kept on the label, so
# every change to it lands in the label's history like a score or an explanation.
LABEL_EVIDENCE = """
        ALTER TABLE labels ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE label_history ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
        DROP TRIGGER labels_history_insert;
        DROP TRIGGER labels_history_update;
        CREATE TRIGGER labels_history_insert AFTER INSERT ON labels BEGIN
            INSERT INTO label_history
                (label_id, response_id, annotator, score, explanation, evidence, status, changed_at)
            VALUES (new.id, new.response_id, new.annotator, new.score, new.explanation,
                    new.evidence, new.status, new.updated_at);
        END;
        CREATE TRIGGER labels_history_update AFTER UPDATE ON labels
        WHEN old.score IS NOT new.score OR old.explanation IS NOT new.explanation
             OR old.evidence IS NOT new.evidence OR old.status IS NOT new.status BEGIN
            INSERT INTO label_history
                (label_id, response_id, annotator, score, explanation, evidence, status, changed_at)
            VALUES (new.id, new.response_id, new.annotator, new.score, new.explanation,
                    new.evidence, new.status, new.updated_at);
        END;
"""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core tables: prompts, responses, users, labels and their history", CORE_TABLES),
    Migration(2, "login sessions and failed-login throttling", AUTH_TABLES),
    Migration(3, "gold checks, flags, guidelines, adjudication history", LEAD_WORKFLOW_TABLES),
    Migration(4, "a secret key for each database's blind response orders", BLIND_ORDER_KEY),
    Migration(5, "provenance of collected responses, and collect/judge runs", ENDPOINT_TABLES),
    Migration(6, "evidence marked in a response, kept with the label and its history", LABEL_EVIDENCE),
)
LATEST_VERSION = MIGRATIONS[-1].version


def tables_at(version: int) -> set[str]:
    """The tables a database at schema `version` has (those its migrations created)."""
    return {
        name
        for migration in MIGRATIONS
        if migration.version <= version
        for name in re.findall(r"CREATE TABLE (\w+)", migration.sql)
    }


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> list[int]:
    """Apply the migrations between the file's version and `target`; return those applied.

    `conn` must be in autocommit mode (isolation_level=None): each step is its own transaction.
    """
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this tool "
            f"({LATEST_VERSION}); upgrade the tool"
        )
    applied = []
    for migration in MIGRATIONS:
        if current < migration.version <= target:
            # One script, so the DDL and the version bump commit together (executescript
            # would commit a transaction opened outside it).
            script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
            try:
                conn.executescript(script)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            applied.append(migration.version)
    return applied
