-- https servers (TLS towards the backend, certificate verification, SNI override) and per-backend
-- connection limits with their wait queue.
-- Portable between H2 2.x and PostgreSQL 15 like V1-V3: one ALTER per column, no vendor types,
-- named constraints. Every NOT NULL column has a DEFAULT, so rows stored before this migration get
-- the engine's defaults: plain-HTTP servers (verification on, should one be switched to https),
-- the engine's idle timeout, no connection limit, a queue of 100 waiting up to 10 s.

-- reach the server over TLS (an https server)
ALTER TABLE backend_server ADD COLUMN tls BOOLEAN NOT NULL DEFAULT FALSE;
-- with tls: check the certificate against the trusted authorities and the expected name
ALTER TABLE backend_server ADD COLUMN verify_tls BOOLEAN NOT NULL DEFAULT TRUE;
-- with tls: the name sent as SNI and expected in the certificate; NULL = the host
ALTER TABLE backend_server ADD COLUMN tls_server_name VARCHAR(253);

-- an idle keep-alive connection is closed after this long; NULL = the engine's default (30 s)
ALTER TABLE backend ADD COLUMN idle_timeout_ms BIGINT;
-- requests in flight per server at most; 0 = no limit
ALTER TABLE backend ADD COLUMN max_connections_per_server INTEGER NOT NULL DEFAULT 0;
-- requests that may wait for a free slot, over the whole backend
ALTER TABLE backend ADD COLUMN queue_size INTEGER NOT NULL DEFAULT 100;
-- how long a request may wait in the queue before it is answered 503
ALTER TABLE backend ADD COLUMN queue_timeout_ms BIGINT NOT NULL DEFAULT 10000;

-- Only what any version of the application would refuse; the exact ranges live in the application
-- (BackendValidator), so that widening one needs no migration.
ALTER TABLE backend ADD CONSTRAINT ck_backend_idle_timeout_ms
    CHECK (idle_timeout_ms IS NULL OR idle_timeout_ms > 0);
ALTER TABLE backend ADD CONSTRAINT ck_backend_max_connections_per_server CHECK (max_connections_per_server >= 0);
ALTER TABLE backend ADD CONSTRAINT ck_backend_queue_size CHECK (queue_size >= 0);
ALTER TABLE backend ADD CONSTRAINT ck_backend_queue_timeout_ms CHECK (queue_timeout_ms > 0);
-- a TLS name means nothing on a plain-HTTP server, and an empty one is written as NULL
ALTER TABLE backend_server ADD CONSTRAINT ck_backend_server_tls_server_name
    CHECK (tls_server_name IS NULL OR (tls = TRUE AND LENGTH(tls_server_name) > 0));
