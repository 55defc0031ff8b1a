-- Schema 7: the search index. One row per current record that has normalized fields: the
-- name keys and filter values search reads, with the record's current person. Each row
-- notes the record version, the normalize event and the person it was written from, so
-- an update rewrites only the rows whose record, normalized fields or person changed
-- (and drops those of records gone); see src/unaccounted/search/index.py.

CREATE TABLE search_index (
    source_id           VARCHAR NOT NULL,
    record_id           VARCHAR NOT NULL,
    version             INTEGER NOT NULL,   -- the record version the row was made from
    norm_event          BIGINT NOT NULL,    -- the normalize event of its normalized row
    person_id           VARCHAR,            -- its person when written (NULL: not linked)
    written             VARCHAR,            -- the name as the source wrote it
    surname             VARCHAR,            -- canonical parts (nominative, full given name)
    given_name          VARCHAR,
    patronymic          VARCHAR,
    surname_key         VARCHAR,
    given_candidates    VARCHAR[],          -- every canonical given name the form may be
    patronymic_key      VARCHAR,
    given_initial       VARCHAR,
    patronymic_initial  VARCHAR,
    sex                 VARCHAR,
    birth_year_lo       INTEGER,
    birth_year_hi       INTEGER,
    status              VARCHAR,
    unit_key            VARCHAR,
    unit_class_key      VARCHAR,
    region_code         VARCHAR,
    hometown_region     VARCHAR
);

-- One row per update of the index: what it rewrote and when.
CREATE TABLE search_updates (
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    kind         VARCHAR NOT NULL,   -- update | rebuild
    written      BIGINT NOT NULL,
    removed      BIGINT NOT NULL,
    seconds      DOUBLE NOT NULL
);
