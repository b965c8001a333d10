-- Load balancing, timeouts, retries and health checks of backends; weight, backup and drain of servers.
-- Portable between H2 2.x and PostgreSQL 15 like V1 and V2: one ALTER per column, no vendor types,
-- named constraints. Every NOT NULL column has a DEFAULT, so backends stored before this migration
-- get the engine's defaults: round robin, engine timeouts, 2 retries, passive checks on (3 failures
-- eject a server for 30 s), no active health check, servers of weight 1, none backup or drained.

-- engine name of the policy: round-robin, weighted-round-robin, least-connections,
-- power-of-two-choices, client-ip-hash, sticky-cookie (checked by the application, which knows the list)
ALTER TABLE backend ADD COLUMN balancing VARCHAR(32) NOT NULL DEFAULT 'round-robin';
-- NULL = the engine's default (5 s connect, 60 s response)
ALTER TABLE backend ADD COLUMN connect_timeout_ms BIGINT;
ALTER TABLE backend ADD COLUMN response_timeout_ms BIGINT;
-- other servers one request may be retried on
ALTER TABLE backend ADD COLUMN max_retries INTEGER NOT NULL DEFAULT 2;
-- failures in a row that eject a server; 0 = passive checks off
ALTER TABLE backend ADD COLUMN passive_max_failures INTEGER NOT NULL DEFAULT 3;
ALTER TABLE backend ADD COLUMN passive_eject_seconds INTEGER NOT NULL DEFAULT 30;
-- the active health check: NULL path = none, and then every health_* column is NULL too
ALTER TABLE backend ADD COLUMN health_check_path VARCHAR(1024);
ALTER TABLE backend ADD COLUMN health_interval_ms BIGINT;
ALTER TABLE backend ADD COLUMN health_timeout_ms BIGINT;
ALTER TABLE backend ADD COLUMN health_status_min INTEGER;
ALTER TABLE backend ADD COLUMN health_status_max INTEGER;
ALTER TABLE backend ADD COLUMN health_healthy_threshold INTEGER;
ALTER TABLE backend ADD COLUMN health_unhealthy_threshold INTEGER;

-- Only what any version of the application would refuse; the exact ranges live in the application
-- (BackendValidator), so that widening one needs no migration.
ALTER TABLE backend ADD CONSTRAINT ck_backend_connect_timeout_ms
    CHECK (connect_timeout_ms IS NULL OR connect_timeout_ms > 0);
ALTER TABLE backend ADD CONSTRAINT ck_backend_response_timeout_ms
    CHECK (response_timeout_ms IS NULL OR response_timeout_ms > 0);
ALTER TABLE backend ADD CONSTRAINT ck_backend_max_retries CHECK (max_retries >= 0);
ALTER TABLE backend ADD CONSTRAINT ck_backend_passive_max_failures CHECK (passive_max_failures >= 0);
ALTER TABLE backend ADD CONSTRAINT ck_backend_passive_eject_seconds CHECK (passive_eject_seconds > 0);
-- a health check is stored whole or not at all, so a reader never has to guess a missing setting
-- (IS NOT NULL throughout: a comparison with NULL is unknown, and CHECK lets unknown pass)
ALTER TABLE backend ADD CONSTRAINT ck_backend_health_check CHECK (
    (health_check_path IS NULL AND health_interval_ms IS NULL AND health_timeout_ms IS NULL
        AND health_status_min IS NULL AND health_status_max IS NULL
        AND health_healthy_threshold IS NULL AND health_unhealthy_threshold IS NULL)
    OR (health_check_path IS NOT NULL AND health_interval_ms IS NOT NULL AND health_timeout_ms IS NOT NULL
        AND health_status_min IS NOT NULL AND health_status_max IS NOT NULL
        AND health_healthy_threshold IS NOT NULL AND health_unhealthy_threshold IS NOT NULL));
ALTER TABLE backend ADD CONSTRAINT ck_backend_health_values CHECK (
    health_interval_ms > 0 AND health_timeout_ms > 0 AND health_status_max >= health_status_min
    AND health_healthy_threshold > 0 AND health_unhealthy_threshold > 0);

-- relative share of requests under the weighted policies
ALTER TABLE backend_server ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;
-- used only while no primary (non-backup) server of the backend is eligible
ALTER TABLE backend_server ADD COLUMN backup BOOLEAN NOT NULL DEFAULT FALSE;
-- takes no new requests; those in flight finish
ALTER TABLE backend_server ADD COLUMN drained BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE backend_server ADD CONSTRAINT ck_backend_server_weight CHECK (weight > 0);
