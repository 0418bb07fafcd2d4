-- API clients: integrations (learning tools, the LRS's reporters, SIS syncs)
-- that authenticate with HTTP Basic (key:secret). The secret is 256 random
-- bits, so a fast hash (BLAKE2b-256) is as safe as a slow one and keeps
-- every request cheap; the secret itself is shown once and never stored.

CREATE TABLE api_clients (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    name TEXT NOT NULL,
    client_key TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    scopes INTEGER NOT NULL,           -- enum scope bits (src/app/principal.h)
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX api_clients_key ON api_clients (client_key);
CREATE INDEX api_clients_district ON api_clients (district_id, name);
