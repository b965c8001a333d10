-- WebSockets per site: whether HTTP/1.1 WebSocket upgrades are passed to the backend, and how long an
-- open WebSocket may stay silent before the engine closes it.
-- Portable between H2 2.x and PostgreSQL 15 like V1-V4: one ALTER per column, no vendor types, named
-- constraints. The NOT NULL column has a DEFAULT, so sites stored before this migration keep behaving
-- as they did: the Upgrade header is dropped, and the timeout is the engine's default.

-- pass "Upgrade: websocket" on to the backend; FALSE drops it like any other hop-by-hop header
ALTER TABLE site ADD COLUMN websockets BOOLEAN NOT NULL DEFAULT FALSE;
-- an open WebSocket without traffic either way for this long is closed; NULL = the engine's default (10 min)
ALTER TABLE site ADD COLUMN websocket_idle_timeout_ms BIGINT NULL;

-- Only what any version of the application would refuse; the exact range lives in the application
-- (WebsocketValidator), so that widening it needs no migration.
ALTER TABLE site ADD CONSTRAINT ck_site_websocket_idle_timeout_ms
    CHECK (websocket_idle_timeout_ms IS NULL OR websocket_idle_timeout_ms > 0);
