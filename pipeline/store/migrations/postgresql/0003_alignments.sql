-- schema version 3: alignments of international provisions with national provisions (../0003_alignments.sql).
CREATE TABLE alignments (
    provision    TEXT COLLATE "C" NOT NULL,   -- international provision id, e.g. untoc#art_20__para_1
    instrument   TEXT COLLATE "C" NOT NULL,
    method       TEXT COLLATE "C" NOT NULL,   -- comparator version
    status       TEXT COLLATE "C" NOT NULL,   -- implemented | partial | not_implemented | not_applicable
    confidence   DOUBLE PRECISION NOT NULL,   -- SQLite's REAL has 8 bytes, PostgreSQL's REAL 4
    text_sha256  TEXT COLLATE "C" NOT NULL,
    concepts     TEXT COLLATE "C" NOT NULL,   -- JSON list of concept ids
    norms        TEXT COLLATE "C" NOT NULL,   -- JSON list of [agent, modality]
    candidates   TEXT COLLATE "C" NOT NULL,   -- JSON list of candidates with scores and evidence
    reason       TEXT COLLATE "C" NOT NULL DEFAULT '',
    computed_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (provision, method)
);
CREATE INDEX alignments_by_instrument ON alignments(instrument, method)
