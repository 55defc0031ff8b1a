-- Schema 2: normalized fields as wide typed columns, one row per record version.
-- Replaces the placeholder record_norm (a JSON blob, never written by any stage).
-- Dates are inclusive intervals [lo, hi] with their precision and EDTF text; keys are
-- the matching keys linkage compares and blocks on (see docs/normalize.md).

DROP TABLE record_norm;

CREATE TABLE normalized (
    source_id            VARCHAR NOT NULL,
    record_id            VARCHAR NOT NULL,
    version              INTEGER NOT NULL,
    norm_version         VARCHAR NOT NULL,
    event_id             BIGINT NOT NULL,
    surname              VARCHAR,
    given_name           VARCHAR,
    patronymic           VARCHAR,
    given_initial        VARCHAR,
    patronymic_initial   VARCHAR,
    given_candidates     VARCHAR[],
    surname_key          VARCHAR,
    given_key            VARCHAR,
    patronymic_key       VARCHAR,
    surname_phonetic     VARCHAR,
    name_block           VARCHAR,
    sex                  VARCHAR,
    name_script          VARCHAR,
    name_case            VARCHAR,
    name_order           VARCHAR,
    birth_lo             DATE,
    birth_hi             DATE,
    birth_precision      VARCHAR,
    birth_edtf           VARCHAR,
    birth_candidates     DATE[],
    birth_year           INTEGER,
    age                  INTEGER,
    event_lo             DATE,
    event_hi             DATE,
    event_precision      VARCHAR,
    event_edtf           VARCHAR,
    event_candidates     DATE[],
    published_date       DATE,
    status               VARCHAR,
    unit_key             VARCHAR,
    unit_class_key       VARCHAR,
    unit_type            VARCHAR,
    unit_number          INTEGER,
    unit_guards          BOOLEAN,
    unit_vch             VARCHAR,
    region_code          VARCHAR,
    hometown_region_code VARCHAR,
    hometown_settlement  VARCHAR,
    event_place_name     VARCHAR,
    event_region_code    VARCHAR
);

-- The normalized fields of each record's current version, whatever normalizer made them.
CREATE VIEW current_normalized AS
SELECT n.* FROM normalized n
JOIN current_records r USING (source_id, record_id, version);
