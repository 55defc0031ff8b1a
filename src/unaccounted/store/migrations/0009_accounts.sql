-- Schema 9: accounts and API tokens. A workspace with no account is a single-user
-- workspace (everyone may do everything); once it has one, every action asks the
-- actor's role (viewer, reviewer, editor, admin). Passwords are kept as argon2 hashes
-- and API token secrets as SHA-256 hashes: neither is ever stored in the clear.
CREATE TABLE accounts (
    name          VARCHAR PRIMARY KEY,
    role          VARCHAR NOT NULL,         -- viewer, reviewer, editor or admin
    password_hash VARCHAR NOT NULL,         -- argon2id, with its own salt and parameters
    created       TIMESTAMPTZ NOT NULL,
    created_by    VARCHAR NOT NULL,         -- the actor who added the account
    password_set  TIMESTAMPTZ NOT NULL,     -- when the password was last set
    failed_logins INTEGER NOT NULL DEFAULT 0,  -- failed sign-ins in a row
    locked_until  TIMESTAMPTZ,              -- refused until then (too many failures)
    last_login    TIMESTAMPTZ
);

CREATE SEQUENCE api_token_seq START 1;

CREATE TABLE api_tokens (
    id          BIGINT PRIMARY KEY,
    account     VARCHAR NOT NULL,
    secret_hash VARCHAR NOT NULL,           -- SHA-256 of the secret, hex
    label       VARCHAR NOT NULL DEFAULT '',
    created     TIMESTAMPTZ NOT NULL,
    created_by  VARCHAR NOT NULL,
    last_used   TIMESTAMPTZ,
    revoked     TIMESTAMPTZ                 -- set once, never cleared
);
