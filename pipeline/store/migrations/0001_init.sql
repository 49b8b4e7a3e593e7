-- normgap store, schema version 1: works, editions, provisions, notes, fetch log, full-text search.
CREATE TABLE works (
    work_id            TEXT PRIMARY KEY,          -- nreg (ids.md)
    title              TEXT,
    number             TEXT,                      -- official number, e.g. 4495-VI
    doc_type           INTEGER,
    status             INTEGER,
    adopted            TEXT,                      -- YYYY-MM-DD
    role               TEXT,
    card_json          TEXT,                      -- the last card read, to find editions still missing
    card_etag          TEXT,
    card_last_modified TEXT,
    last_refresh       TEXT,                      -- UTC ISO time of the last refresh attempt
    last_success       TEXT,
    last_error         TEXT
);

CREATE TABLE editions (
    edition_id     INTEGER PRIMARY KEY,
    work_id        TEXT NOT NULL REFERENCES works(work_id),
    date           TEXT NOT NULL,                 -- edition date YYYY-MM-DD
    revision       INTEGER NOT NULL DEFAULT 1,    -- >1 when the portal changed a text without a new edition
    basis          TEXT,                          -- amending act(s), card `pidstava`
    text_sha256    TEXT NOT NULL,                 -- sha256 of the normalised provision text
    source_url     TEXT,
    source_format  TEXT,
    raw_sha256     TEXT,                          -- the raw page in the content-addressed archive
    etag           TEXT,
    last_modified  TEXT,
    fetched_at     TEXT NOT NULL,
    title          TEXT,
    article_count  INTEGER NOT NULL,
    provision_count INTEGER NOT NULL,
    warnings       TEXT NOT NULL DEFAULT '[]',    -- JSON list of parser warnings
    UNIQUE (work_id, date, revision)
);

CREATE TABLE provisions (
    id           INTEGER PRIMARY KEY,
    edition_id   INTEGER NOT NULL REFERENCES editions(edition_id) ON DELETE CASCADE,
    eid          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    number       TEXT,
    heading      TEXT,
    text         TEXT NOT NULL,
    parent       TEXT,
    ord          INTEGER NOT NULL,
    anchor       TEXT,
    excluded     INTEGER NOT NULL DEFAULT 0,
    text_sha256  TEXT NOT NULL,                   -- of heading + text: reviews pin decisions to it
    UNIQUE (edition_id, eid)
);
CREATE INDEX provisions_by_eid ON provisions(eid);
CREATE INDEX provisions_by_hash ON provisions(text_sha256);

CREATE TABLE notes (
    edition_id  INTEGER NOT NULL REFERENCES editions(edition_id) ON DELETE CASCADE,
    ord         INTEGER NOT NULL,
    target      TEXT,
    text        TEXT NOT NULL,
    anchor      TEXT,
    PRIMARY KEY (edition_id, ord)
);
CREATE INDEX notes_by_target ON notes(edition_id, target);

CREATE TABLE fetch_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    work_id     TEXT,
    url         TEXT NOT NULL,
    status      INTEGER,
    bytes       INTEGER,
    sha256      TEXT,
    error       TEXT
);
CREATE INDEX fetch_log_by_work ON fetch_log(work_id, at);

CREATE TABLE refresh_runs (
    id          INTEGER PRIMARY KEY,
    started     TEXT NOT NULL,
    finished    TEXT,
    summary     TEXT
);

-- Search form of heading + text (NFC, apostrophes folded, lower case); rowid = provisions.id.
CREATE VIRTUAL TABLE provisions_fts USING fts5(
    body,
    tokenize = "unicode61 remove_diacritics 0 tokenchars ''''"
);
