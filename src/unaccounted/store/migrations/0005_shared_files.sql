-- Schema 5: files a team shares (grading rules, confirmed unit aliases, language-pack
-- additions), every version kept with the event that stored it, so that each change is
-- an audited event and a file can be exported and imported again.
CREATE TABLE shared_files (
    name     VARCHAR NOT NULL,   -- e.g. grading_rules.yaml, unit_aliases.yaml, pack/units.csv
    version  INTEGER NOT NULL,   -- 1, 2, … per name
    content  VARCHAR NOT NULL,
    sha256   VARCHAR NOT NULL,
    event_id BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);
