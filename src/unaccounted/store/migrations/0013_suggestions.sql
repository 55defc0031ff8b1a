-- Schema 13: suggestions read by rules from a testimony's text (testimony/extract.py) and
-- the decision a person took on each (docs/testimonies.md, "Assisted extraction"). A
-- suggestion names its span [start_char, end_char) of the testimony's text. Its quote (the
-- span as written) and value are kept sealed (enc:v1 tokens) when the span touches a
-- confidential character or the original is sealed. Nothing a suggestion says enters the
-- record until a decision: accepted, corrected (with the corrected value, sealed like the
-- value) or rejected; `result` names what the decision made (an incident, a place, ...).
CREATE SEQUENCE suggestion_seq START 1;
CREATE TABLE suggestions (
    id            VARCHAR PRIMARY KEY,        -- S-1, S-2, ...
    testimony_id  VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,           -- person, place, date, unit, money, incident_type
    start_char    BIGINT NOT NULL,
    end_char      BIGINT NOT NULL,
    quote         VARCHAR NOT NULL,
    value         VARCHAR NOT NULL,
    detail        VARCHAR NOT NULL DEFAULT '',
    sealed        BOOLEAN NOT NULL,
    status        VARCHAR NOT NULL,           -- open, accepted, corrected or rejected
    decided_value VARCHAR,
    result        VARCHAR,
    made_by       VARCHAR NOT NULL,
    made_at       TIMESTAMPTZ NOT NULL,
    decided_by    VARCHAR,
    decided_at    TIMESTAMPTZ
);
