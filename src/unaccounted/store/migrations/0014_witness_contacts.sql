-- Schema 13: a witness's contacts (a telephone, an address, a messenger handle) taken in
-- with an account, kept only sealed like the witness's name (docs/testimonies.md).
ALTER TABLE testimonies ADD COLUMN witness_contact_sealed VARCHAR;
