-- Schema 3: linkage. Runs with the model that made them, scored pairs, reviewers'
-- judgements, and the history of person ids (merges and splits with their reason).
-- persons / person_records (schema 1) hold the current clusters; every link run
-- rewrites them, and link_id_history says where every id that ever existed went.

CREATE SEQUENCE person_seq START 1;
CREATE SEQUENCE judgement_seq START 1;

-- One row per link run: the trained model (Splink settings JSON) and how it was trained,
-- so the run can be reproduced and its m/u values checked.
CREATE TABLE link_runs (
    run_id        BIGINT PRIMARY KEY,   -- the run's event_id
    engine        VARCHAR NOT NULL,
    records       BIGINT NOT NULL,
    pairs         BIGINT NOT NULL,
    persons       BIGINT NOT NULL,
    link_settings JSON NOT NULL,        -- the [link] settings used
    model         JSON NOT NULL,        -- Splink settings with trained m/u values
    training      JSON NOT NULL,        -- training blocks chosen, pair counts, sessions
    checks        JSON NOT NULL,        -- m/u sanity findings (empty list: all plausible)
    seconds       DOUBLE NOT NULL
);

-- Scored record pairs of a run (the pairs that formed, or could have formed, a person).
-- l is the smaller (source_id, record_id); levels are the comparison levels in model order.
CREATE TABLE link_pairs (
    run_id            BIGINT NOT NULL,
    source_id_l       VARCHAR NOT NULL,
    record_id_l       VARCHAR NOT NULL,
    source_id_r       VARCHAR NOT NULL,
    record_id_r       VARCHAR NOT NULL,
    match_weight      DOUBLE NOT NULL,
    match_probability DOUBLE NOT NULL,
    levels            TINYINT[] NOT NULL
);

-- Reviewers' decisions about a pair: never an edit of the records. A withdrawn
-- judgement stays, marked, and is no longer honoured.
CREATE TABLE link_judgements (
    judgement_id    BIGINT PRIMARY KEY,
    source_id_l     VARCHAR NOT NULL,
    record_id_l     VARCHAR NOT NULL,
    source_id_r     VARCHAR NOT NULL,
    record_id_r     VARCHAR NOT NULL,
    decision        VARCHAR NOT NULL,   -- same | different | unsure
    actor           VARCHAR NOT NULL,
    decided_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    score           DOUBLE,             -- match probability shown when it was decided
    note            VARCHAR,
    event_id        BIGINT NOT NULL,
    withdrawn_at    TIMESTAMPTZ,
    withdrawn_by    VARCHAR,
    withdrawn_event BIGINT
);

-- Where person ids went: a merge retires old_person_id into new_person_id; a split
-- gives part of old_person_id's records the new id new_person_id.
CREATE TABLE link_id_history (
    event_id      BIGINT NOT NULL,
    kind          VARCHAR NOT NULL,     -- merge | split
    old_person_id VARCHAR NOT NULL,
    new_person_id VARCHAR NOT NULL,
    records       BIGINT NOT NULL,      -- records that moved
    reason        VARCHAR NOT NULL
);
