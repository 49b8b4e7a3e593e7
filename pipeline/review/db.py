"""Reviewers and decisions in the store. Decisions are append-only and pinned to text hashes, so a refresh
that changes a text marks the decision "needs re-review" instead of silently keeping or dropping it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.errors import ConfigError, NotFoundInStoreError
from pipeline.ids import parse_provision_id
from pipeline.store import Store

DECISIONS = ("confirm_gap", "implemented", "partial", "not_applicable")
DECISION_STATUS = {
    "confirm_gap": "not_implemented",
    "implemented": "implemented",
    "partial": "partial",
    "not_applicable": "not_applicable",
}
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
_SCRYPT = (2**14, 8, 1)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    n, r, p = _SCRYPT
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def add_user(store: Store, username: str, password: str) -> None:
    if not _USERNAME.match(username):
        raise ConfigError(f"bad user name {username!r} (2-64 letters, digits, _ . @ -)")
    if len(password) < 8:
        raise ConfigError("the password needs at least 8 characters")
    with store.transaction() as c:
        if c.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise ConfigError(f"user {username!r} exists already")
        c.execute(
            "INSERT INTO users(username, password_hash, created_at) VALUES (?,?,?)",
            (username, hash_password(password), _now()),
        )


def check_login(store: Store, username: str, password: str) -> bool:
    row = store.conn.execute("SELECT password_hash FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        hash_password(password)  # same work whether or not the user exists
        return False
    return verify_password(password, row["password_hash"])


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Decision:
    id: int
    provision: str
    decision: str
    implemented_by: tuple[str, ...]
    missing: str
    comment: str
    reviewer: str
    created_at: str
    text_sha256: str
    national_hashes: dict[str, str]

    @property
    def status(self) -> str:
        return DECISION_STATUS[self.decision]


def _decision(r: Any) -> Decision:
    return Decision(
        r["id"],
        r["provision"],
        r["decision"],
        tuple(json.loads(r["implemented_by"])),
        r["missing"],
        r["comment"],
        r["reviewer"],
        r["created_at"],
        r["text_sha256"],
        json.loads(r["national_hashes"]),
    )


def current_national_hash(store: Store, provision_id: str) -> str | None:
    work, eid = parse_provision_id(provision_id)
    try:
        edition = store.edition_at(work)
    except NotFoundInStoreError:
        return None
    row = store.conn.execute(
        "SELECT text_sha256 FROM provisions WHERE edition_id = ? AND eid = ?", (edition.edition_id, eid)
    ).fetchone()
    return row["text_sha256"] if row else None


def record_decision(
    store: Store,
    *,
    provision: str,
    decision: str,
    reviewer: str,
    text_sha256: str,
    implemented_by: list[str] | None = None,
    missing: str = "",
    comment: str = "",
) -> Decision:
    """Append a decision (one transaction). National provisions must exist in the store."""
    if decision not in DECISIONS:
        raise ConfigError(f"unknown decision {decision!r} (one of {', '.join(DECISIONS)})")
    ids = [x for x in (implemented_by or []) if x]
    if decision in ("implemented", "partial") and not ids:
        raise ConfigError("name the national provisions that implement it")
    hashes: dict[str, str] = {}
    for pid in ids:
        h = current_national_hash(store, pid)
        if h is None:
            raise NotFoundInStoreError(f"no such national provision {pid}", provision=pid)
        hashes[pid] = h
    with store.transaction() as c:
        row = c.execute(
            "INSERT INTO decisions(provision, decision, implemented_by, missing, comment, reviewer, created_at, "
            "text_sha256, national_hashes) VALUES (?,?,?,?,?,?,?,?,?) RETURNING *",
            (
                provision,
                decision,
                json.dumps(ids),
                missing.strip(),
                comment.strip(),
                reviewer,
                _now(),
                text_sha256,
                json.dumps(hashes),
            ),
        ).fetchall()[0]
    return _decision(row)


def history(store: Store, provision: str) -> list[Decision]:
    rows = store.conn.execute("SELECT * FROM decisions WHERE provision = ? ORDER BY id DESC", (provision,))
    return [_decision(r) for r in rows]


def current_decisions(store: Store) -> dict[str, Decision]:
    rows = store.conn.execute(
        "SELECT d.* FROM decisions d JOIN (SELECT provision, MAX(id) AS id FROM decisions GROUP BY provision) m "
        "ON m.id = d.id"
    )
    return {r["provision"]: _decision(r) for r in rows}


def review_state(store: Store, decision: Decision | None, current_text_sha: str | None) -> str:
    """unreviewed | reviewed | needs_re_review (a text the decision was made on has changed since)."""
    if decision is None:
        return "unreviewed"
    if current_text_sha is not None and current_text_sha != decision.text_sha256:
        return "needs_re_review"
    for pid, h in decision.national_hashes.items():
        if current_national_hash(store, pid) != h:
            return "needs_re_review"
    return "reviewed"


def reviewed_status(decision: Decision | None, state: str) -> str | None:
    """The reviewer's status when it still holds (overrides the machine's), else None."""
    return decision.status if decision is not None and state == "reviewed" else None


def with_reviews(
    store: Store, alignments: Iterable[dict[str, Any]]
) -> list[tuple[dict[str, Any], Decision | None, str]]:
    """Each alignment with its current decision and review state."""
    decisions = current_decisions(store)
    out = []
    for a in alignments:
        d = decisions.get(a["provision"])
        out.append((a, d, review_state(store, d, a["text_sha256"])))
    return out
