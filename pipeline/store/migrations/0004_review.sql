-- schema version 4: reviewers and their decisions on alignments (append-only: the newest row per
-- provision is the decision in force, the older ones are its history; nothing is ever overwritten).
CREATE TABLE users (
    username       TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE decisions (
    id               INTEGER PRIMARY KEY,
    provision        TEXT NOT NULL,                 -- international provision id
    decision         TEXT NOT NULL,                 -- confirm_gap | implemented | partial | not_applicable
    implemented_by   TEXT NOT NULL DEFAULT '[]',    -- JSON list of national provision ids
    missing          TEXT NOT NULL DEFAULT '',      -- for partial: what is missing
    comment          TEXT NOT NULL DEFAULT '',
    reviewer         TEXT NOT NULL REFERENCES users(username),
    created_at       TEXT NOT NULL,
    text_sha256      TEXT NOT NULL,                 -- the international provision's text hash when decided
    national_hashes  TEXT NOT NULL DEFAULT '{}'     -- national provision id -> text hash when decided
);
CREATE INDEX decisions_by_provision ON decisions(provision, id)
