-- HTTP/2 per site, and the proxies in front of a site whose forwarding headers are believed.
-- Portable between H2 2.x and PostgreSQL 15 like V1-V6: one ALTER per column, no vendor types, named
-- constraints. The NOT NULL columns have a DEFAULT, so sites stored before keep behaving as they did:
-- HTTPS clients are offered HTTP/2, no proxy in front is trusted and no Forwarded header is sent.

-- TRUE: ALPN offers h2 and http/1.1 for the site's host names; FALSE: http/1.1 only
ALTER TABLE site ADD COLUMN http2 BOOLEAN NOT NULL DEFAULT TRUE;
-- also send the RFC 7239 Forwarded header to the backend
ALTER TABLE site ADD COLUMN forwarded_header BOOLEAN NOT NULL DEFAULT FALSE;

-- Proxies or load balancers in front of a site whose X-Forwarded-For, -Proto, -Host and Forwarded are
-- believed and extended; none = those headers from any client are replaced. Which entries are valid is
-- the application's business (it asks the engine); the schema only holds them.
CREATE TABLE site_trusted_proxy (
    site_id  BIGINT      NOT NULL,
    -- 0-based order within the site, as entered
    position INTEGER     NOT NULL,
    -- an IP address or CIDR block as entered (trimmed): 10.0.0.0/8, 192.0.2.7, 2001:db8::/32
    address  VARCHAR(64) NOT NULL,
    CONSTRAINT pk_site_trusted_proxy PRIMARY KEY (site_id, position),
    CONSTRAINT ck_site_trusted_proxy_position CHECK (position >= 0),
    CONSTRAINT fk_site_trusted_proxy_site FOREIGN KEY (site_id) REFERENCES site (id) ON DELETE CASCADE
);
