-- schema version 5: an explicit id orders unit_tags and alignments (the order they were stored in), where
-- SQLite's hidden rowid did before: PostgreSQL has no rowid. Existing rows keep their rowid as their id.
-- The former primary keys stay unique, so ON CONFLICT on them works as before.
CREATE TABLE unit_tags_new (
    edition_id  INTEGER NOT NULL REFERENCES editions(edition_id) ON DELETE CASCADE,
    eid         TEXT NOT NULL,
    sentence    INTEGER,
    start       INTEGER NOT NULL,        -- unit offsets in the provision text
    "end"       INTEGER NOT NULL,
    key         TEXT NOT NULL REFERENCES tag_results(key),
    id          INTEGER PRIMARY KEY,
    UNIQUE (edition_id, eid, start)
);
INSERT INTO unit_tags_new(edition_id, eid, sentence, start, "end", key, id)
    SELECT edition_id, eid, sentence, start, "end", key, rowid FROM unit_tags;
DROP TABLE unit_tags;
ALTER TABLE unit_tags_new RENAME TO unit_tags;

CREATE TABLE alignments_new (
    provision    TEXT NOT NULL,            -- international provision id, e.g. untoc#art_20__para_1
    instrument   TEXT NOT NULL,
    method       TEXT NOT NULL,            -- comparator version
    status       TEXT NOT NULL,            -- implemented | partial | not_implemented | not_applicable
    confidence   REAL NOT NULL,
    text_sha256  TEXT NOT NULL,            -- of the international provision text it was computed on
    concepts     TEXT NOT NULL,            -- JSON list of concept ids
    norms        TEXT NOT NULL,            -- JSON list of [agent, modality]
    candidates   TEXT NOT NULL,            -- JSON list of candidates with scores and evidence
    reason       TEXT NOT NULL DEFAULT '',
    computed_at  TEXT NOT NULL,
    id           INTEGER PRIMARY KEY,
    UNIQUE (provision, method)
);
INSERT INTO alignments_new(provision, instrument, method, status, confidence, text_sha256, concepts, norms,
        candidates, reason, computed_at, id)
    SELECT provision, instrument, method, status, confidence, text_sha256, concepts, norms, candidates, reason,
        computed_at, rowid FROM alignments;
DROP TABLE alignments;
ALTER TABLE alignments_new RENAME TO alignments;
CREATE INDEX alignments_by_instrument ON alignments(instrument, method)
