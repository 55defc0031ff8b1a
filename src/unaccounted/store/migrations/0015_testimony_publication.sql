-- Schema 15: what of accounts and incidents is published (docs/testimonies.md,
-- "Publication"). A name an editor has cleared for publication in one testimony (a name
-- found in its public passages is withheld unless cleared), and the incidents an editor
-- has marked published. Withdrawing deletes the row; the audit log keeps the history.
CREATE TABLE cleared_names (
    testimony_id VARCHAR NOT NULL,
    name_key     VARCHAR NOT NULL,            -- the name folded (case, ё, spacing, order)
    name         VARCHAR NOT NULL,            -- the name as the editor cleared it
    cleared_by   VARCHAR NOT NULL,
    cleared_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (testimony_id, name_key)
);
CREATE TABLE published_incidents (
    incident_id  VARCHAR PRIMARY KEY,
    published_by VARCHAR NOT NULL,
    published_at TIMESTAMPTZ NOT NULL
);
