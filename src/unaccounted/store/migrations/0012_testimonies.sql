-- Schema 12: accounts of abuse ("testimonies"), the incidents they describe, places and
-- the people, units and actors involved (docs/testimonies.md). A testimony's original is
-- kept exactly as received, either in the clear (original_clear) or sealed
-- (original_sealed, an enc:v1 token of its bytes in base64), never both; its SHA-256 is
-- taken at intake. A witness's name is only ever kept sealed; the witness id is random.
-- The chain of custody is the audit log itself (events naming the testimony).
CREATE SEQUENCE testimony_seq START 1;
CREATE TABLE testimonies (
    id              VARCHAR PRIMARY KEY,      -- T-1, T-2, ...
    kind            VARCHAR NOT NULL,         -- interview, written_statement, ...
    source          VARCHAR NOT NULL,
    independence_group VARCHAR NOT NULL,
    date_edtf       VARCHAR,
    date_lo         DATE,
    date_hi         DATE,
    language        VARCHAR NOT NULL,
    file_name       VARCHAR,
    size            BIGINT NOT NULL,
    chars           BIGINT NOT NULL,
    sha256          VARCHAR NOT NULL,
    original_clear  BLOB,
    original_sealed VARCHAR,
    level           VARCHAR NOT NULL,         -- public, restricted or confidential
    witness_id      VARCHAR,
    witness_sealed  VARCHAR,
    received_by     VARCHAR NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    intake_event    BIGINT NOT NULL
);

-- Marks of passages (character ranges of the text), applied in order: a later mark
-- decides the level of the characters it covers.
CREATE TABLE testimony_passages (
    testimony_id VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    start_char   BIGINT NOT NULL,
    end_char     BIGINT NOT NULL,
    level        VARCHAR NOT NULL,
    marked_by    VARCHAR NOT NULL,
    marked_at    TIMESTAMPTZ NOT NULL
);

-- The workspace's own incident types, added to the vocabulary shipped with the package.
CREATE TABLE incident_types (
    code        VARCHAR PRIMARY KEY,
    label       VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT '',
    added_by    VARCHAR NOT NULL,
    added_at    TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE place_seq START 1;
CREATE TABLE places (
    id        VARCHAR PRIMARY KEY,            -- PL-1, PL-2, ...
    name      VARCHAR NOT NULL,
    latitude  DOUBLE,
    longitude DOUBLE,
    added_by  VARCHAR NOT NULL,
    added_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE place_aliases (
    key      VARCHAR PRIMARY KEY,             -- the alias folded (case, ё, spaces)
    place_id VARCHAR NOT NULL,
    alias    VARCHAR NOT NULL
);

CREATE SEQUENCE incident_seq START 1;
CREATE TABLE incidents (
    id          VARCHAR PRIMARY KEY,          -- I-1, I-2, ...
    type        VARCHAR NOT NULL,
    from_edtf   VARCHAR,
    from_lo     DATE,
    to_edtf     VARCHAR,
    to_hi       DATE,
    place_id    VARCHAR,
    summary     VARCHAR NOT NULL DEFAULT '',
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE involvement_seq START 1;
CREATE TABLE incident_involvements (
    id          BIGINT PRIMARY KEY,
    incident_id VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,             -- victim, perpetrator, witness, ...
    person_id   VARCHAR,                      -- a person of the casualty records
    unit_raw    VARCHAR,                      -- a unit as written
    unit_key    VARCHAR,                      -- its key in the unit registry
    actor_name  VARCHAR,                      -- a separate actor (sealed for victims and witnesses)
    added_by    VARCHAR NOT NULL,
    added_at    TIMESTAMPTZ NOT NULL
);

-- Which testimonies (and which passages of them) support which incidents.
CREATE TABLE incident_support (
    incident_id  VARCHAR NOT NULL,
    testimony_id VARCHAR NOT NULL,
    start_char   BIGINT,
    end_char     BIGINT,
    linked_by    VARCHAR NOT NULL,
    linked_at    TIMESTAMPTZ NOT NULL
);
