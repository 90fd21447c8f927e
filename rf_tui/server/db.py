"""SQLite storage of the reference server.

Every read that serves a request takes the caller's ``account_id`` and puts it
in the WHERE clause: another account's row is simply not found (the API turns
that into 404). SQL only ever gets values through parameters.

Times are stored as fixed-width UTC ISO-8601 strings, so comparing the strings
compares the instants.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

Row = dict[str, Any]


class StoreUnavailable(Exception):
    """The database cannot be reached now (a Postgres restart): the request gets a 503
    and the client tries again; the store connects afresh on the next call."""


SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id),
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'engineer', 'viewer')),
    team_id TEXT,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    problem_summary TEXT NOT NULL,
    status TEXT NOT NULL,
    confidence_tier TEXT,
    escalation_package TEXT NOT NULL DEFAULT '{}',
    conversation_messages TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    account_id TEXT NOT NULL,
    step_order INTEGER NOT NULL,
    step_type TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS steps_by_session ON steps (session_id, created_at);
CREATE TABLE IF NOT EXISTS handoffs (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    account_id TEXT NOT NULL,
    handed_off_by TEXT NOT NULL REFERENCES users(id),
    intent TEXT NOT NULL,
    priority TEXT NOT NULL,
    engineer_notes TEXT,
    snapshot TEXT NOT NULL DEFAULT '{}',
    ai_assessment_data TEXT,
    target_user_id TEXT,
    claimed_by TEXT REFERENCES users(id),
    claimed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS handoffs_open ON handoffs (account_id, claimed_by, created_at);
"""

_HANDOFF_SELECT = """
SELECT h.*, s.problem_summary AS problem_summary,
       hb.name AS handed_off_by_name, hb.team_id AS handed_off_by_team,
       cb.name AS claimed_by_name
FROM handoffs h
JOIN sessions s ON s.id = h.session_id
JOIN users hb ON hb.id = h.handed_off_by
LEFT JOIN users cb ON cb.id = h.claimed_by
"""


def iso(moment: datetime) -> str:
    """Fixed-width UTC ISO-8601, so string order is time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def new_id() -> str:
    return str(uuid.uuid4())


def is_postgres(where: str) -> bool:
    """Whether ``--db`` names a Postgres database rather than a SQLite file."""
    return where.startswith(("postgresql://", "postgres://"))


def open_store(where: str) -> Store:
    """SQLite at a path (or ``:memory:``), or Postgres at a ``postgresql://`` URL."""
    if is_postgres(where):
        from rf_tui.server.pg import PgStore  # psycopg: the engines extra

        return PgStore(where)
    return Store(where)


class Store:
    """One connection, guarded by a lock; the server is small and local."""

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._writes = 0

    @property
    def version(self) -> tuple[int, int]:
        """Changes with every write, through this store or any other connection to the
        file: what a cached read is keyed on (SQLite's data_version counts the others)."""
        with self._lock:
            (others,) = self._db.execute("PRAGMA data_version").fetchone()
            return self._writes, int(others)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Many writes as one commit (seeding thousands of rows takes a moment, not
        minutes). Inside another transaction, part of it."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._writes += 1

    def hold(self, what: str) -> None:
        """Inside a transaction: others holding ``what`` wait for its end. One SQLite
        file has one server, whose lock is already held here."""

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, params).fetchall()]

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._lock:
            self._writes += 1
            return self._db.execute(sql, params).rowcount

    # ── Accounts and users ───────────────────────────────────────────────────

    def add_account(self, name: str) -> str:
        account_id = new_id()
        self._write("INSERT INTO accounts (id, name) VALUES (?, ?)", (account_id, name))
        return account_id

    def add_user(
        self,
        *,
        account_id: str | None,
        email: str,
        name: str,
        role: str,
        password_hash: str,
        team_id: str | None = None,
    ) -> str:
        user_id = new_id()
        self._write(
            "INSERT INTO users (id, account_id, email, name, role, team_id, password_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, account_id, email, name, role, team_id, password_hash),
        )
        return user_id

    def user_by_email(self, email: str) -> Row | None:
        # lower() on both sides: SQLite's column is NOCASE, Postgres has an index on it.
        return self._one("SELECT * FROM users WHERE lower(email) = lower(?)", (email,))

    def user_by_id(self, user_id: str) -> Row | None:
        return self._one("SELECT * FROM users WHERE id = ?", (user_id,))

    def user_in_account(self, account_id: str, user_id: str) -> Row | None:
        return self._one(
            "SELECT * FROM users WHERE id = ? AND account_id = ?", (user_id, account_id)
        )

    # ── Sessions and steps ───────────────────────────────────────────────────

    def add_session(
        self,
        *,
        account_id: str,
        user_id: str,
        problem_summary: str,
        created_at: datetime,
        escalation_package: dict[str, Any] | None = None,
        conversation_messages: list[dict[str, Any]] | None = None,
        status: str = "active",
        confidence_tier: str | None = None,
    ) -> str:
        session_id = new_id()
        self._write(
            "INSERT INTO sessions (id, account_id, user_id, problem_summary, status,"
            " confidence_tier, escalation_package, conversation_messages, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                account_id,
                user_id,
                problem_summary,
                status,
                confidence_tier,
                json.dumps(escalation_package or {}),
                json.dumps(conversation_messages or []),
                iso(created_at),
            ),
        )
        return session_id

    def session(self, account_id: str, session_id: str) -> Row | None:
        row = self._one(
            "SELECT * FROM sessions WHERE id = ? AND account_id = ?", (session_id, account_id)
        )
        if row is not None:
            row["escalation_package"] = json.loads(row["escalation_package"])
            row["conversation_messages"] = json.loads(row["conversation_messages"])
        return row

    def set_session_status(
        self, session_id: str, status: str, *, only_if: str | None = None
    ) -> None:
        if only_if is None:
            self._write("UPDATE sessions SET status = ? WHERE id = ?", (status, session_id))
        else:
            self._write(
                "UPDATE sessions SET status = ? WHERE id = ? AND status = ?",
                (status, session_id, only_if),
            )

    def append_messages(self, session_id: str, messages: list[dict[str, Any]]) -> None:
        with self.transaction():
            row = self._one(
                "SELECT conversation_messages FROM sessions WHERE id = ?", (session_id,)
            )
            current = json.loads(row["conversation_messages"]) if row else []
            self._write(
                "UPDATE sessions SET conversation_messages = ? WHERE id = ?",
                (json.dumps(current + messages), session_id),
            )

    def steps(self, account_id: str, session_id: str) -> list[Row]:
        return self._all(
            "SELECT step_order, step_type, content, created_at FROM steps"
            " WHERE session_id = ? AND account_id = ? ORDER BY step_order",
            (session_id, account_id),
        )

    def add_step(
        self, *, session_id: str, account_id: str, step_type: str, content: str, at: datetime
    ) -> None:
        with self.transaction():
            row = self._one(
                "SELECT COALESCE(MAX(step_order), 0) AS last FROM steps WHERE session_id = ?",
                (session_id,),
            )
            last = row["last"] if row else 0
            self._write(
                "INSERT INTO steps (session_id, account_id, step_order, step_type, content,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, account_id, last + 1, step_type, content, iso(at)),
            )

    # ── Handoffs ─────────────────────────────────────────────────────────────

    def add_handoff(
        self,
        *,
        session_id: str,
        account_id: str,
        handed_off_by: str,
        intent: str,
        priority: str,
        engineer_notes: str | None,
        snapshot: dict[str, Any],
        target_user_id: str | None,
        created_at: datetime,
    ) -> str:
        handoff_id = new_id()
        self._write(
            "INSERT INTO handoffs (id, session_id, account_id, handed_off_by, intent, priority,"
            " engineer_notes, snapshot, target_user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                handoff_id,
                session_id,
                account_id,
                handed_off_by,
                intent,
                priority,
                engineer_notes,
                json.dumps(snapshot),
                target_user_id,
                iso(created_at),
            ),
        )
        return handoff_id

    @staticmethod
    def _handoff_row(row: Row) -> Row:
        row["snapshot"] = json.loads(row["snapshot"])
        if row["ai_assessment_data"] is not None:
            row["ai_assessment_data"] = json.loads(row["ai_assessment_data"])
        return row

    def handoff(self, account_id: str, session_id: str, handoff_id: str) -> Row | None:
        row = self._one(
            _HANDOFF_SELECT + " WHERE h.id = ? AND h.session_id = ? AND h.account_id = ?",
            (handoff_id, session_id, account_id),
        )
        return self._handoff_row(row) if row else None

    def handoffs_for_session(self, account_id: str, session_id: str) -> list[Row]:
        rows = self._all(
            _HANDOFF_SELECT + " WHERE h.session_id = ? AND h.account_id = ?"
            " ORDER BY h.created_at DESC, h.rowid DESC",
            (session_id, account_id),
        )
        return [self._handoff_row(r) for r in rows]

    def queue(self, account_id: str, user_id: str, team_id: str | None) -> list[Row]:
        """Unclaimed escalations visible to this user, newest first."""
        sql = (
            _HANDOFF_SELECT + " WHERE h.account_id = ? AND h.claimed_by IS NULL"
            " AND h.intent = 'escalate'"
            " AND (h.target_user_id IS NULL OR h.target_user_id = ?)"
        )
        params: tuple[Any, ...] = (account_id, user_id)
        if team_id is not None:
            sql += " AND hb.team_id = ?"
            params += (team_id,)
        rows = self._all(sql + " ORDER BY h.created_at DESC, h.rowid DESC", params)
        return [self._handoff_row(r) for r in rows]

    def claim(self, account_id: str, handoff_id: str, user_id: str, at: datetime) -> bool:
        """Atomic first-claimer-wins: one conditional UPDATE. True if this call won."""
        return (
            self._write(
                "UPDATE handoffs SET claimed_by = ?, claimed_at = ?"
                " WHERE id = ? AND account_id = ? AND claimed_by IS NULL",
                (user_id, iso(at), handoff_id, account_id),
            )
            == 1
        )

    def set_assessment(self, handoff_id: str, data: dict[str, Any]) -> None:
        self._write(
            "UPDATE handoffs SET ai_assessment_data = ? WHERE id = ?",
            (json.dumps(data), handoff_id),
        )

    def claimed_with_first_action(self, account_id: str, since: datetime) -> list[Row]:
        """Claimed handoffs since ``since`` with the first session step after the claim."""
        return self._all(
            "SELECT h.claimed_at AS claimed_at,"
            " (SELECT MIN(st.created_at) FROM steps st"
            "   WHERE st.session_id = h.session_id AND st.created_at > h.claimed_at)"
            "   AS first_action_at"
            " FROM handoffs h"
            " WHERE h.account_id = ? AND h.claimed_at IS NOT NULL AND h.claimed_at >= ?",
            (account_id, iso(since)),
        )
