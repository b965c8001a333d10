-- What a backend's servers speak: HTTP/1.1, or HTTP/2 for gRPC services and HTTP/2-only servers
-- (cleartext h2c with prior knowledge to plain servers, ALPN h2 to https ones).
-- Portable between H2 2.x and PostgreSQL 15 like V1-V8: one ALTER per column, no vendor types, named
-- constraints. The column has a DEFAULT, so backends stored before this migration keep speaking
-- HTTP/1.1, as every backend did.

-- engine name of the protocol: http1 or http2
ALTER TABLE backend ADD COLUMN protocol VARCHAR(8) NOT NULL DEFAULT 'http1';

-- Unlike the balancing policies, the list is checked here: a protocol is not a setting the application
-- can widen on its own (each needs its own connection code in the engine), and a reader that met an
-- unknown one could only guess how to reach the servers.
ALTER TABLE backend ADD CONSTRAINT ck_backend_protocol CHECK (protocol IN ('http1', 'http2'));
