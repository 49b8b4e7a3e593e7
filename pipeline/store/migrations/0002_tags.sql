-- schema version 2: tagging results.
-- A result is keyed by the hash of (tagger version, act, language, context, unit text), so a text that
-- several editions share is tagged once; unit_tags places results in an edition.
CREATE TABLE tag_results (
    key        TEXT PRIMARY KEY,
    mentions   TEXT NOT NULL,            -- JSON [[start, end, agency], ...], offsets in the unit text
    norms      TEXT NOT NULL             -- JSON [{"agent", "modality", "level", "source", "cue": [s, e]}]
);

CREATE TABLE unit_tags (
    edition_id  INTEGER NOT NULL REFERENCES editions(edition_id) ON DELETE CASCADE,
    eid         TEXT NOT NULL,
    sentence    INTEGER,
    start       INTEGER NOT NULL,        -- unit offsets in the provision text
    end         INTEGER NOT NULL,
    key         TEXT NOT NULL REFERENCES tag_results(key),
    PRIMARY KEY (edition_id, eid, start)
);

CREATE TABLE edition_tagging (
    edition_id      INTEGER PRIMARY KEY REFERENCES editions(edition_id) ON DELETE CASCADE,
    tagger_version  TEXT NOT NULL,
    tagged_at       TEXT NOT NULL,
    units           INTEGER NOT NULL,
    mentions        INTEGER NOT NULL,
    norms           INTEGER NOT NULL,
    errors          TEXT NOT NULL DEFAULT '[]'
)
