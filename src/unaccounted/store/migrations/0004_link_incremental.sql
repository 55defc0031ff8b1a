-- Schema 4: incremental linking. What the last link run saw of each record, so the next
-- run scores only new and changed records, and how each run was made.

-- The records of the last link run (replaced by each run): a fingerprint of each record's
-- link input (normalized fields, source kind and group). A record whose fingerprint
-- differs now is changed; one missing here is new; one missing now is gone.
CREATE TABLE link_state (
    source_id   VARCHAR NOT NULL,
    record_id   VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    run_id      BIGINT NOT NULL
);

-- full | incremental | recluster; runs made before schema 4 were full runs.
ALTER TABLE link_runs ADD COLUMN mode VARCHAR DEFAULT 'full';
-- The run that trained the model this run used (itself when it trained one).
ALTER TABLE link_runs ADD COLUMN model_run BIGINT;
-- Records new, changed or gone since model_run trained the model (this run's included).
ALTER TABLE link_runs ADD COLUMN changed_since_training BIGINT DEFAULT 0;
-- Ids of the same/different judgements in force when the run clustered.
ALTER TABLE link_runs ADD COLUMN judgement_ids JSON;
-- Why the run was full, incremental or a re-clustering, in words.
ALTER TABLE link_runs ADD COLUMN why VARCHAR;
