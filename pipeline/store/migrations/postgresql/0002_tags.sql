-- schema version 2: tagging results (../0002_tags.sql).
CREATE TABLE tag_results (
    key        TEXT COLLATE "C" PRIMARY KEY,
    mentions   TEXT COLLATE "C" NOT NULL,     -- JSON [[start, end, agency], ...], offsets in the unit text
    norms      TEXT COLLATE "C" NOT NULL      -- JSON [{"agent", "modality", "level", "source", "cue": [s, e]}]
);

CREATE TABLE unit_tags (
    edition_id  BIGINT NOT NULL REFERENCES editions(edition_id) ON DELETE CASCADE,
    eid         TEXT COLLATE "C" NOT NULL,
    sentence    INTEGER,
    start       INTEGER NOT NULL,             -- unit offsets in the provision text
    "end"       INTEGER NOT NULL,
    key         TEXT COLLATE "C" NOT NULL REFERENCES tag_results(key),
    PRIMARY KEY (edition_id, eid, start)
);

CREATE TABLE edition_tagging (
    edition_id      BIGINT PRIMARY KEY REFERENCES editions(edition_id) ON DELETE CASCADE,
    tagger_version  TEXT COLLATE "C" NOT NULL,
    tagged_at       TEXT COLLATE "C" NOT NULL,
    units           INTEGER NOT NULL,
    mentions        INTEGER NOT NULL,
    norms           INTEGER NOT NULL,
    errors          TEXT COLLATE "C" NOT NULL DEFAULT '[]'
)
