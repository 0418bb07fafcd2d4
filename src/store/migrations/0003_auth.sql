-- Identity, access and audit: accounts, sessions, second factors, login
-- cards, login throttling, the bulk-export tripwire and the audit log.
--
-- No secret is stored as it is: passwords are argon2id strings (libsodium
-- crypto_pwhash_str); session ids, recovery codes and login-card codes are
-- digests (keyed with the sealing key where the secret is short); the TOTP
-- secret and the card code, which must be shown again, are sealed.
-- Instants are INTEGER milliseconds since the epoch (UTC).

-- A login. Rostered people (user_id set) get their name, roles and schools
-- from the roster and cannot log in once the roster deactivates them; local
-- staff accounts (user_id NULL) get their roles from account_roles. The
-- login name is unique over the whole installation because people log in
-- before Trellis knows their district (like api_clients.client_key).
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER REFERENCES users (id),
    login TEXT NOT NULL,                  -- the username in lower case
    display_name TEXT NOT NULL,
    password_hash TEXT,                   -- crypto_pwhash_str (argon2id); NULL: no password login
    password_set_at INTEGER,
    totp_sealed BLOB,                     -- the enrolled TOTP secret; NULL: no second factor
    totp_enrolled_at INTEGER,
    totp_last_step INTEGER NOT NULL DEFAULT 0, -- the last time step accepted: no code works twice
    totp_pending_sealed BLOB,             -- a secret being enrolled, until its first code confirms it
    totp_pending_at INTEGER,
    lang TEXT,                            -- 'en' or 'es'
    disabled_at INTEGER,                  -- an administrator turned the account off
    created_at INTEGER NOT NULL,
    last_login_at INTEGER
);
CREATE UNIQUE INDEX accounts_login ON accounts (login);
CREATE UNIQUE INDEX accounts_user ON accounts (district_id, user_id);

-- Roles of local staff accounts: role is teacher, counsellor, school_admin
-- or district_admin; org_id the school (NULL: the whole district).
CREATE TABLE account_roles (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    org_id INTEGER REFERENCES orgs (id)
);
CREATE INDEX account_roles_account ON account_roles (district_id, account_id);

-- Browser sessions. The cookie holds 256 random bits; only their BLAKE2b-256
-- digest is stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    token_hash BLOB NOT NULL,
    method TEXT NOT NULL,                 -- password, password+totp, password+recovery, card
    created_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,             -- last use (updated at most every minute): the idle time-out
    expires_at INTEGER NOT NULL,          -- the absolute time-out
    mfa_at INTEGER,                       -- when a second factor was last checked in this session
    client_addr TEXT NOT NULL,
    ended_at INTEGER,
    end_reason TEXT
);
CREATE UNIQUE INDEX sessions_token ON sessions (token_hash);
CREATE INDEX sessions_account ON sessions (district_id, account_id);

-- One-time recovery codes for a lost authenticator: keyed digests only.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    code_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX recovery_codes_account ON recovery_codes (district_id, account_id);

-- QR login cards for young students: one active card per student. The code
-- is found by its keyed digest and kept sealed so the card can be printed
-- again; revoking a card makes its code worthless at once.
CREATE TABLE login_cards (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    code_index BLOB NOT NULL,
    code_sealed BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX login_cards_code ON login_cards (code_index);
CREATE INDEX login_cards_user ON login_cards (district_id, user_id);

-- Failed-login counters, keyed by a keyed digest of "account NAME",
-- "account NAME from ADDRESS" or "address ADDRESS" (never the name itself:
-- people type passwords into the name field). Global: a login comes before
-- its district is known.
CREATE TABLE login_throttle (
    tkey BLOB PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL
);

-- The bulk-export tripwire: student records each principal received, per
-- hour (hour = at / 3600000); alerted says the alert for that hour is in
-- the audit log already.
CREATE TABLE export_counters (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    actor_kind INTEGER NOT NULL,          -- enum principal_kind
    actor_id INTEGER NOT NULL,            -- accounts.id or api_clients.id
    hour INTEGER NOT NULL,
    records INTEGER NOT NULL,
    alerted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (district_id, actor_kind, actor_id, hour)
);

-- The audit log: append-only and hash-chained, one chain per district
-- (chain 0 holds events of no district, such as a failed login with an
-- unknown name). Each entry stores the hash of the one before (prev_hash);
-- hash = BLAKE2b-256 over prev_hash and a canonical encoding of the entry;
-- tag = a digest of hash keyed with the sealing key, so a rewritten chain is
-- caught even when every hash was recomputed. audit_chain holds each
-- chain's head; a writer updates it in the transaction that appends, which
-- locks the row, so two writers can never chain to the same predecessor,
-- and (chain, seq) is unique besides. Nothing updates or deletes audit rows.
CREATE TABLE audit_chain (
    chain INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,                 -- the last entry's sequence number (0: empty)
    head BLOB NOT NULL                    -- the last entry's hash (32 zero bytes: empty)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    chain INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor_kind TEXT NOT NULL,             -- user, client, operator, anonymous
    actor_id INTEGER NOT NULL,            -- accounts.id, api_clients.id, 0
    actor_name TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    request_id TEXT NOT NULL,
    action TEXT NOT NULL,                 -- login, login_failed, logout, read, list, export, change, admin, alert
    object TEXT NOT NULL,                 -- what was touched: person:ID, class:ID, account:ID ...
    subjects TEXT NOT NULL,               -- users.id of the students concerned, ascending, comma-separated
    purpose TEXT NOT NULL,
    outcome TEXT NOT NULL,                -- ok, denied, failed
    detail TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL,
    tag BLOB NOT NULL
);
CREATE UNIQUE INDEX audit_log_seq ON audit_log (chain, seq);
CREATE INDEX audit_log_at ON audit_log (chain, at);

-- Which entries concern which student (an index of audit_log.subjects, for
-- `trellis audit show --student`; verify checks that the two agree).
CREATE TABLE audit_subjects (
    district_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES audit_log (id),
    PRIMARY KEY (district_id, user_id, entry_id)
);
