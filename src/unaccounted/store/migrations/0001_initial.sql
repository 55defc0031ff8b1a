-- Schema 1: provenance (events, files, sources), raw records with versions, rejects,
-- and room for the later stages (normalized fields, persons).

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Append-only log: one row per command that changed (or tried to change) the store.
CREATE SEQUENCE event_seq START 1;
CREATE TABLE events (
    event_id BIGINT PRIMARY KEY,
    logged_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    actor    VARCHAR NOT NULL,
    command  VARCHAR NOT NULL,
    args     JSON,
    counts   JSON,
    outcome  VARCHAR NOT NULL,   -- ok | failed
    message  VARCHAR,
    version  VARCHAR NOT NULL    -- unaccounted version that wrote it
);

-- Snapshots of source files, by content.
CREATE TABLE files (
    sha256      VARCHAR PRIMARY KEY,
    size        BIGINT NOT NULL,
    name        VARCHAR NOT NULL,
    format      VARCHAR NOT NULL,
    encoding    VARCHAR,
    archived_as VARCHAR,
    first_event BIGINT NOT NULL
);

-- One row per file (or sheet) per ingest: how its headers were read.
CREATE TABLE file_ingests (
    event_id    BIGINT NOT NULL,
    sha256      VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    sheet       VARCHAR,
    header      JSON NOT NULL,     -- [{"header": as found, "column": canonical or null}]
    counts      JSON NOT NULL
);

CREATE TABLE sources (
    name               VARCHAR PRIMARY KEY,
    kind               VARCHAR NOT NULL,
    publisher          VARCHAR,
    url                VARCHAR,
    independence_group VARCHAR NOT NULL,
    created_event      BIGINT NOT NULL
);

-- One source's statement about one person, raw values exactly as found ('' read as NULL).
-- A changed row is a new version; old versions are never deleted or edited.
CREATE TABLE records (
    source_id    VARCHAR NOT NULL,
    record_id    VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    row_hash     VARCHAR NOT NULL,
    id_generated BOOLEAN NOT NULL,
    event_id     BIGINT NOT NULL,
    file_sha256  VARCHAR NOT NULL,
    sheet        VARCHAR,
    line         BIGINT NOT NULL,
    full_name    VARCHAR,
    surname      VARCHAR,
    given_name   VARCHAR,
    patronymic   VARCHAR,
    sex          VARCHAR,
    birth_date   VARCHAR,
    age          VARCHAR,
    status       VARCHAR,
    event_date   VARCHAR,
    event_place  VARCHAR,
    unit         VARCHAR,
    rank         VARCHAR,
    category     VARCHAR,
    region       VARCHAR,
    hometown     VARCHAR,
    url          VARCHAR,
    quote        VARCHAR,
    published    VARCHAR,
    extra        JSON
);

CREATE VIEW current_records AS
SELECT * FROM records
QUALIFY version = max(version) OVER (PARTITION BY source_id, record_id);

CREATE TABLE rejects (
    event_id    BIGINT NOT NULL,
    source_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    sheet       VARCHAR,
    line        BIGINT NOT NULL,
    reason_code VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    row_hash    VARCHAR NOT NULL,
    raw         JSON
);

-- Room for the normalize stage: derived fields per record version, never the raw values.
CREATE TABLE record_norm (
    source_id    VARCHAR NOT NULL,
    record_id    VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    norm_version VARCHAR NOT NULL,
    fields       JSON NOT NULL
);

-- Room for the link stage: persons are clusters of records.
CREATE TABLE persons (
    person_id     VARCHAR PRIMARY KEY,
    created_event BIGINT NOT NULL
);
CREATE TABLE person_records (
    person_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL,
    event_id  BIGINT NOT NULL
);
