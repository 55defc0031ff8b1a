-- Schema 8: the rank or title written inside a name («майора Николая Ивановича
-- Александрова» → name_rank «майор»), taken out of the name parts by the normalizer.
ALTER TABLE normalized ADD COLUMN name_rank VARCHAR;

-- The view again, so that it shows the new column in every engine version.
CREATE OR REPLACE VIEW current_normalized AS
SELECT n.* FROM normalized n
JOIN current_records r USING (source_id, record_id, version);
