-- The Learning Record Store (xAPI 1.0.3 and 2.0.0): statements, the terms
-- they are found by, and attachments. Documents (state, profiles) are in
-- 0005.
--
-- seq numbers stored statements in commit order over the whole database
-- (lrs_counters 'statement_seq' holds the last one given, so a deleted
-- statement's number is never reused); consumers resume "after seq N".
-- body is the statement as stored (the canonical JSON with id, stored,
-- authority, version and timestamp filled in), deflated when that is
-- smaller (flags bit 1).

CREATE TABLE lrs_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO lrs_counters (name, value) VALUES ('statement_seq', 0);

CREATE TABLE lrs_statements (
    seq INTEGER PRIMARY KEY,            -- given by the writer, never reused
    district_id INTEGER NOT NULL REFERENCES districts (id),
    statement_id TEXT NOT NULL,         -- lower-case UUID
    user_id INTEGER,                    -- the rostered person the actor is linked to
    client_id INTEGER,                  -- api_clients.id of the authority (statements/read/mine)
    stored_ms INTEGER NOT NULL,         -- non-decreasing with seq
    timestamp_ms INTEGER NOT NULL,
    voided INTEGER NOT NULL DEFAULT 0,  -- 1: a voiding statement targets it
    flags INTEGER NOT NULL,             -- 1: body deflated; 2: is a voiding statement; 4: has attachments
    body BLOB NOT NULL
);
CREATE UNIQUE INDEX lrs_statements_id ON lrs_statements (district_id, statement_id);
CREATE INDEX lrs_statements_user ON lrs_statements (district_id, user_id, seq);

-- The terms a query finds statements by, one row each: kind (src/app/lrs.c:
-- 1 agent (actor or object), 2 related agent, 3 verb, 4 activity (object),
-- 5 related activity, 6 registration) and a 64-bit keyed hash of the term's
-- canonical text. A statement targeting another (StatementRef) also carries
-- the target's terms (xAPI 2.0.0 4.2.2 "filter conditions for StatementRefs").
CREATE TABLE lrs_terms (
    district_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (district_id, kind, hash, seq)
) WITHOUT ROWID;

-- Attachment content by SHA-256 (hex), once per district.
CREATE TABLE lrs_attachments (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sha2 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (district_id, sha2)
);
