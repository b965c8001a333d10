-- Redirection hosts, per-site header policy and what unknown host names get (the default site).
-- Portable between H2 2.x and PostgreSQL 15 like V1-V5: one ALTER per column or constraint, no vendor
-- types, named constraints. Sites stored before keep behaving as they did: they forward to their
-- backend, pass the client's Host header and change no headers; unknown host names get the 404 page.

-- A redirect site answers every request itself, so it has no backend.
ALTER TABLE site ALTER COLUMN backend_id DROP NOT NULL;
-- absolute http(s) URL every request is redirected to; NULL = the site forwards to its backend
ALTER TABLE site ADD COLUMN redirect_target VARCHAR(2048) NULL;
-- 301, 302, 307 or 308; set exactly when redirect_target is
ALTER TABLE site ADD COLUMN redirect_status INTEGER NULL;
-- append the request's path and query to the target; set exactly when redirect_target is
ALTER TABLE site ADD COLUMN redirect_keep_path BOOLEAN NULL;
-- TRUE: the backend gets the Host the client sent; FALSE: the server's own host:port
ALTER TABLE site ADD COLUMN pass_host BOOLEAN NOT NULL DEFAULT TRUE;

ALTER TABLE site ADD CONSTRAINT ck_site_redirect_all_or_none CHECK (
    (redirect_target IS NULL AND redirect_status IS NULL AND redirect_keep_path IS NULL)
    OR (redirect_target IS NOT NULL AND redirect_status IS NOT NULL AND redirect_keep_path IS NOT NULL));
ALTER TABLE site ADD CONSTRAINT ck_site_redirect_status
    CHECK (redirect_status IS NULL OR redirect_status IN (301, 302, 307, 308));
-- a site either forwards to a backend or redirects, never both, never neither
ALTER TABLE site ADD CONSTRAINT ck_site_backend_or_redirect CHECK (
    (backend_id IS NOT NULL AND redirect_target IS NULL) OR (backend_id IS NULL AND redirect_target IS NOT NULL));

-- Header changes of a site, applied in position order per direction. "value" is an H2 keyword, hence
-- header_name / header_value.
CREATE TABLE site_header_rule (
    site_id      BIGINT        NOT NULL,
    -- 'request' (to the backend) or 'response' (to the client)
    direction    VARCHAR(8)    NOT NULL,
    -- 0-based order within the site and direction
    position     INTEGER       NOT NULL,
    -- 'set', 'add' or 'remove'
    action       VARCHAR(8)    NOT NULL,
    header_name  VARCHAR(256)  NOT NULL,
    -- NULL for 'remove'
    header_value VARCHAR(4096) NULL,
    CONSTRAINT pk_site_header_rule PRIMARY KEY (site_id, direction, position),
    CONSTRAINT ck_site_header_rule_direction CHECK (direction IN ('request', 'response')),
    CONSTRAINT ck_site_header_rule_action CHECK (action IN ('set', 'add', 'remove')),
    CONSTRAINT ck_site_header_rule_position CHECK (position >= 0),
    CONSTRAINT fk_site_header_rule_site FOREIGN KEY (site_id) REFERENCES site (id) ON DELETE CASCADE
);

-- What requests for a host name no enabled site has get. Exactly one row (id 1).
CREATE TABLE default_site (
    id                 INTEGER       NOT NULL,
    -- 'not-found' (the 404 page, the default), 'redirect' or 'close' (no answer at all)
    action             VARCHAR(16)   NOT NULL DEFAULT 'not-found',
    redirect_target    VARCHAR(2048) NULL,
    redirect_status    INTEGER       NULL,
    redirect_keep_path BOOLEAN       NULL,
    CONSTRAINT pk_default_site PRIMARY KEY (id),
    CONSTRAINT ck_default_site_one_row CHECK (id = 1),
    CONSTRAINT ck_default_site_action CHECK (action IN ('not-found', 'redirect', 'close')),
    CONSTRAINT ck_default_site_redirect_all_or_none CHECK (
        (redirect_target IS NULL AND redirect_status IS NULL AND redirect_keep_path IS NULL)
        OR (redirect_target IS NOT NULL AND redirect_status IS NOT NULL AND redirect_keep_path IS NOT NULL)),
    CONSTRAINT ck_default_site_redirect_status
        CHECK (redirect_status IS NULL OR redirect_status IN (301, 302, 307, 308)),
    -- a redirect needs its target; the other actions keep none
    CONSTRAINT ck_default_site_redirect_target CHECK (
        (action = 'redirect' AND redirect_target IS NOT NULL) OR (action <> 'redirect' AND redirect_target IS NULL))
);
INSERT INTO default_site (id, action) VALUES (1, 'not-found');
