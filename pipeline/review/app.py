"""The review web app: a queue of flags, a flag page with both sides, decisions with history, the agency
matrix. Server-rendered (Jinja2, autoescaped: scraped legal text can never inject HTML); every form carries
a CSRF token; every decision needs a logged-in reviewer; SQL is parameterised; binds to 127.0.0.1."""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from pipeline.align.run import provision_interactions
from pipeline.errors import NormgapError
from pipeline.ids import parse_provision_id
from pipeline.instruments import load_instruments
from pipeline.review.db import (
    DECISIONS,
    check_login,
    history,
    record_decision,
    review_state,
    reviewed_status,
    with_reviews,
)
from pipeline.search import build_query
from pipeline.store import Store, open_store
from pipeline.store.core import ALIGNMENT_COLUMNS
from pipeline.tagging.registry import registry_cached
from pipeline.tagging.tagger import UnitResult

PORTAL = "https://zakon.rada.gov.ua/laws/show"


def load_secret(path: Path) -> str:
    """A stable session secret: $NORMGAP_SECRET, else a random one kept in a private file."""
    env = os.environ.get("NORMGAP_SECRET")
    if env:
        return env
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret)
    return secret


_COLUMNS = ", ".join(f"a.{c.strip()}" for c in ALIGNMENT_COLUMNS.split(","))


def latest_alignments(store: Store) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM alignments a JOIN "
        "(SELECT provision, MAX(computed_at) AS t FROM alignments GROUP BY provision) m "
        "ON m.provision = a.provision AND m.t = a.computed_at ORDER BY a.instrument, a.id"
    ).fetchall()
    out = []
    seen: set[str] = set()
    for r in rows:
        if r["provision"] in seen:
            continue
        seen.add(r["provision"])
        out.append(
            {
                **dict(r),
                "candidates": json.loads(r["candidates"]),
                "concepts": json.loads(r["concepts"]),
                "norms": json.loads(r["norms"]),
            }
        )
    return out


def create_app(db: str, *, secret: str, instruments_file: Path = Path("corpora/instruments.toml")) -> FastAPI:
    """The app on one store: a SQLite file or a PostgreSQL URL, opened anew for each request (several app
    processes, on several machines with PostgreSQL, can serve one store)."""
    app = FastAPI(title="normgap review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        SessionMiddleware, secret_key=secret, same_site="strict", https_only=False, session_cookie="normgap_session"
    )
    templates = Jinja2Templates(directory=str(resources.files("pipeline.review") / "templates"))
    topics = {}
    if instruments_file.exists():
        topics = {i.slug: i.topics for i in load_instruments(instruments_file)}
    act_agency = registry_cached().act_agency

    def store() -> Store:
        return open_store(db)

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return str(token)

    def check_csrf(request: Request, token: str) -> None:
        expected = request.session.get("csrf", "")
        if not expected or not hmac.compare_digest(str(expected), token):
            raise HTTPException(status_code=403, detail="invalid or missing CSRF token")

    def user(request: Request) -> str | None:
        return request.session.get("user")

    def page(request: Request, name: str, **context: Any) -> Response:
        return templates.TemplateResponse(
            request, name, {"user": user(request), "csrf": csrf_token(request), **context}
        )

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, error: str = "") -> Response:
        return page(request, "login.html", error=error)

    @app.post("/login")
    def login(request: Request, username: str = Form(...), password: str = Form(...), csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        with store() as s:
            ok = check_login(s, username, password)
        if not ok:
            return page(request, "login.html", error="wrong user name or password")
        request.session["user"] = username
        request.session["csrf"] = secrets.token_urlsafe(32)  # a new token after login
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    def require_user(request: Request) -> str:
        name = user(request)
        if not name:
            raise HTTPException(status_code=303, headers={"Location": "/login"})
        return str(name)

    def rows_with_state(s: Store) -> list[dict[str, Any]]:
        rows = []
        for a, d, state in with_reviews(s, latest_alignments(s)):
            agencies = {ag for ag, _ in a["norms"]} | {
                act_agency.get(c["provision"].split("#")[0], "") for c in a["candidates"][:3]
            }
            rows.append(
                {
                    **a,
                    "decision": d,
                    "state": state,
                    "agencies": sorted(x for x in agencies if x),
                    "topics": topics.get(a["instrument"], ()),
                    "effective": reviewed_status(d, state) or a["status"],
                }
            )
        return rows

    @app.get("/", response_class=HTMLResponse)
    def queue(
        request: Request, instrument: str = "", status: str = "", state: str = "", agency: str = "", topic: str = ""
    ) -> Response:
        require_user(request)
        with store() as s:
            rows = rows_with_state(s)
        counts = {
            "status": Counter(r["status"] for r in rows),
            "state": Counter(r["state"] for r in rows),
            "instrument": Counter(r["instrument"] for r in rows),
        }
        shown = [
            r
            for r in rows
            if (not instrument or r["instrument"] == instrument)
            and (not status or r["status"] == status)
            and (not state or r["state"] == state)
            and (not agency or agency in r["agencies"])
            and (not topic or topic in r["topics"])
        ]
        shown.sort(key=lambda r: (-r["confidence"], r["provision"]))
        all_agencies = sorted({a for r in rows for a in r["agencies"]})
        all_topics = sorted({t for r in rows for t in r["topics"]})
        return page(
            request,
            "queue.html",
            rows=shown,
            total=len(rows),
            counts=counts,
            agencies=all_agencies,
            topics=all_topics,
            filters={"instrument": instrument, "status": status, "state": state, "agency": agency, "topic": topic},
        )

    def national_view(s: Store, pid: str) -> dict[str, Any]:
        work, eid = parse_provision_id(pid)
        edition = s.edition_at(work)
        provisions = s.subtree(edition, eid) if eid else []
        tags = {
            (r["eid"], r["start"]): UnitResult.from_json(r["mentions"], r["norms"])
            for r in s.unit_tags(edition.edition_id, [p.eid for p in provisions])
        }
        units = []
        for p in provisions:
            pieces = [r for (e, _), r in tags.items() if e == p.eid]
            units.append(
                {
                    "provision": p,
                    "segments": highlight(p.text, tags, p.eid),
                    "norms": [n for r in pieces for n in r.norms],
                }
            )
        anchor = next((p.anchor for p in provisions if p.anchor), "")
        return {
            "id": pid,
            "edition": edition.date.isoformat(),
            "units": units,
            "link": f"{PORTAL}/{work}#{anchor}" if anchor else f"{PORTAL}/{work}",
        }

    @app.get("/flag", response_class=HTMLResponse)
    def flag(request: Request, id: str) -> Response:
        require_user(request)
        with store() as s:
            found = [a for a in latest_alignments(s) if a["provision"] == id]
            if not found:
                raise HTTPException(status_code=404, detail=f"no alignment for {id}")
            a = found[0]
            inst_work, inst_eid = parse_provision_id(id)
            from pipeline.align.run import comparison_units

            units = dict(comparison_units(s.provisions(s.edition_at(inst_work).edition_id)))
            text = units.get(inst_eid) or " ".join(
                p.text for p in s.subtree(s.edition_at(inst_work), inst_eid) if p.text
            )
            candidates = []
            for c in a["candidates"][:5]:
                try:
                    candidates.append({**c, **national_view(s, c["provision"])})
                except NormgapError:
                    continue
            past = history(s, id)
            state = review_state(s, past[0] if past else None, a["text_sha256"])
        return page(
            request,
            "flag.html",
            a=a,
            text=text,
            interactions=provision_interactions(text),
            candidates=candidates,
            history=past,
            state=state,
            decisions=DECISIONS,
        )

    @app.post("/decide")
    def decide(
        request: Request,
        id: str = Form(...),
        decision: str = Form(...),
        implemented_by: str = Form(""),
        missing: str = Form(""),
        comment: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        reviewer = require_user(request)
        check_csrf(request, csrf)
        ids = [x.strip() for x in implemented_by.replace(",", " ").split() if x.strip()]
        with store() as s:
            found = [a for a in latest_alignments(s) if a["provision"] == id]
            if not found:
                raise HTTPException(status_code=404, detail=f"no alignment for {id}")
            try:
                record_decision(
                    s,
                    provision=id,
                    decision=decision,
                    reviewer=reviewer,
                    text_sha256=found[0]["text_sha256"],
                    implemented_by=ids,
                    missing=missing,
                    comment=comment,
                )
            except NormgapError as e:
                raise HTTPException(status_code=400, detail=str(e)) from e
        return RedirectResponse(f"/flag?id={id.replace('#', '%23')}", status_code=303)

    @app.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: str = "") -> Response:
        require_user(request)
        hits = []
        if q.strip():
            with store() as s:
                try:
                    hits = s.search(build_query(q), limit=30)
                except NormgapError:
                    hits = []
        return page(request, "search.html", q=q, hits=hits)

    @app.get("/matrix", response_class=HTMLResponse)
    def matrix(request: Request) -> Response:
        require_user(request)
        from pipeline.balance import balance, collect_norms

        with store() as s:
            balances = balance(collect_norms(s))
        return page(request, "matrix.html", balances=balances)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 303 and exc.headers:
            return RedirectResponse(exc.headers["Location"], status_code=303)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"user": user(request), "csrf": "", "status": exc.status_code, "detail": exc.detail},
            status_code=exc.status_code,
        )

    return app


def highlight(text: str, tags: dict[tuple[str, int], UnitResult], eid: str) -> list[tuple[str, str, str]]:
    """The text as (kind, piece, title) segments: "agency" mentions, norm "cue"s, plain "text"."""
    marks: list[tuple[int, int, str, str]] = []
    for (e, start), result in tags.items():
        if e != eid:
            continue
        for s_, e_, agency in result.mentions:
            marks.append((start + s_, start + e_, "agency", agency))
        for n in result.norms:
            if n.cue:
                marks.append((start + n.cue[0], start + n.cue[1], "cue", f"{n.agent}: {n.modality}"))
    marks.sort()
    segments: list[tuple[str, str, str]] = []
    pos = 0
    for s_, e_, kind, title in marks:
        if s_ < pos:
            continue
        if s_ > pos:
            segments.append(("text", text[pos:s_], ""))
        segments.append((kind, text[s_:e_], title))
        pos = e_
    if pos < len(text):
        segments.append(("text", text[pos:], ""))
    return segments
