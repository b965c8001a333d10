-- Two-factor sign-in: each user's TOTP secret and one-time recovery codes, and the policy that can make
-- two-factor sign-in compulsory for everyone.
-- Portable between H2 2.x and PostgreSQL 15 like V1-V11: no vendor types, named constraints. New tables
-- only, so nothing stored before changes: every existing user signs in with the password alone, as before,
-- and the policy starts off.

-- One row per user who has turned two-factor sign-in on; no row = password only.
CREATE TABLE user_two_factor (
    user_id        BIGINT                   NOT NULL,
    -- the base32 TOTP secret sealed with the master key (SecretBox "v1:" + base64 of nonce, ciphertext and
    -- tag, bound to "totp-secret:<user id>"), never the secret itself. 200 characters: a sealed 160-bit
    -- secret takes 83
    secret_sealed  VARCHAR(200)             NOT NULL,
    enabled_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the latest 30-second time step whose code was accepted; a code is never accepted twice, nor one of an
    -- earlier step (RFC 6238 section 5.2). NULL = none yet
    last_used_step BIGINT                   NULL,
    CONSTRAINT pk_user_two_factor PRIMARY KEY (user_id),
    CONSTRAINT ck_user_two_factor_secret_sealed CHECK (secret_sealed LIKE 'v1:%'),
    CONSTRAINT fk_user_two_factor_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
);

-- The recovery codes of a user with two-factor sign-in, each usable once. Shown once when made; only their
-- SHA-256 is stored. A hash without salt or stretching is enough: a code is 16 random characters from 31
-- (79 bits), out of reach of guessing even offline, and a sign-in checks a code with one index lookup.
CREATE TABLE user_recovery_code (
    user_id   BIGINT                   NOT NULL,
    -- lower-case hex SHA-256 of the code as normalised (lower case, no separators)
    code_hash VARCHAR(64)              NOT NULL,
    -- NULL = still usable
    used_at   TIMESTAMP WITH TIME ZONE NULL,
    CONSTRAINT pk_user_recovery_code PRIMARY KEY (user_id, code_hash),
    CONSTRAINT ck_user_recovery_code_hash CHECK (LENGTH(code_hash) = 64 AND code_hash = LOWER(code_hash)),
    CONSTRAINT fk_user_recovery_code_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
);

-- How the dashboard signs people in; exactly one row (id 1), created here.
CREATE TABLE sign_in_policy (
    id                  INTEGER NOT NULL,
    -- TRUE = a user without two-factor sign-in is sent to set it up before any other page
    two_factor_required BOOLEAN NOT NULL,
    CONSTRAINT pk_sign_in_policy PRIMARY KEY (id),
    CONSTRAINT ck_sign_in_policy_single_row CHECK (id = 1)
);

INSERT INTO sign_in_policy (id, two_factor_required) VALUES (1, FALSE);
