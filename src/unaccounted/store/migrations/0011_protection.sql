-- Schema 11: protected values. Every workspace gets a random id (it names the default key
-- file, ~/.config/unaccounted/keys/<workspace id>.key, and binds its sealed values to it),
-- and a source may be confidential: its claim-carrying values are sealed at rest
-- (docs/protection.md). The key itself is never stored here.

INSERT INTO meta
SELECT 'workspace_id', replace(CAST(uuid() AS VARCHAR), '-', '')
WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'workspace_id');

ALTER TABLE sources ADD COLUMN confidential BOOLEAN DEFAULT false;
UPDATE sources SET confidential = false WHERE confidential IS NULL;
