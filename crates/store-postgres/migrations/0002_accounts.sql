-- The newsroom's accounts. Tokens that grant access (sessions,
-- invitations, API tokens) are stored only as SHA-256 hashes.
CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('writer', 'clearer', 'publisher', 'admin')),
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash   TEXT    NOT NULL,
    totp_secret     TEXT,
    totp_last_step  BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL                 -- unix microseconds, UTC
);

CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users (id),
    csrf_token    TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    user_id  BIGINT NOT NULL REFERENCES users (id),
    at       BIGINT NOT NULL
);
CREATE INDEX login_failures_user_at ON login_failures (user_id, at);

CREATE TABLE invitations (
    token_hash  TEXT    PRIMARY KEY,
    email       TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    invited_by  BIGINT  NOT NULL REFERENCES users (id),
    expires_at  BIGINT  NOT NULL
);

CREATE TABLE api_tokens (
    id          BIGSERIAL PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    label       TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('writer', 'clearer', 'publisher', 'admin')),
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT
);

-- Append-only: the trigger refuses any change to a written line.
CREATE TABLE audit_log (
    seq          BIGSERIAL PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor        BIGINT  REFERENCES users (id),
    actor_label  TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    address      TEXT    NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
