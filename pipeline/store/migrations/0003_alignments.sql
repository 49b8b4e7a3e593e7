-- schema version 3: alignments of international provisions with national provisions.
-- A row is the comparator's verdict for one provision under one method version; human decisions
-- (review workflow) live elsewhere and are never overwritten by a new compare.
CREATE TABLE alignments (
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
    PRIMARY KEY (provision, method)
);
CREATE INDEX alignments_by_instrument ON alignments(instrument, method)
