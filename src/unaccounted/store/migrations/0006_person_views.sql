-- Schema 6: stored person views, and one clustering in person_records.
-- The resolve stage writes one row per person of the current clustering: the whole view
-- (claims with their provenance, best values with their rules, assessment, grade, status
-- history) as JSON texts, plus plain columns to filter and count by. A row is rewritten when
-- the fingerprint of its person's inputs (records, their versions and normalizer runs,
-- the sources' kind and group) or the grading rules' digest no longer match.

CREATE TABLE person_views (
    person_id     VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    names         VARCHAR[] NOT NULL,   -- every form of the name seen, raw and normalized
    grade         VARCHAR NOT NULL,
    rule          VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,     -- the fate the grade was given for
    status        VARCHAR,              -- the current (latest dated) status
    unit_keys     VARCHAR[] NOT NULL,
    region        VARCHAR,              -- the best region code
    birth_year_lo INTEGER,
    birth_year_hi INTEGER,
    sources       INTEGER NOT NULL,
    records       INTEGER NOT NULL,
    fingerprint   VARCHAR NOT NULL,     -- of the person's inputs when the view was made
    rules_digest  VARCHAR NOT NULL,     -- of the grading rules the view was made with
    cluster_event BIGINT NOT NULL,      -- newest person_records event of its records
    -- the view as JSON texts, each part read on its own (resolve/serial.py)
    claims        VARCHAR NOT NULL,     -- claims with their provenance
    best          VARCHAR NOT NULL,     -- best values with their rules
    grading       VARCHAR NOT NULL,     -- outcome, conflicts, grade, status history
    detail        VARCHAR NOT NULL      -- every value seen (no analysis reads it)
);

-- Earlier versions appended each loaded clustering to person_records and counted the
-- latest event's row per record; the rows they superseded are dropped, so that
-- person_records holds exactly the current clustering, one row per record.
DELETE FROM person_records p WHERE EXISTS (
    SELECT 1 FROM person_records q
    WHERE q.source_id = p.source_id AND q.record_id = p.record_id AND q.event_id > p.event_id
);
DELETE FROM persons WHERE person_id NOT IN (SELECT DISTINCT person_id FROM person_records);
