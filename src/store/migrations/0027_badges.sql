-- Micro-credentials (issue 15): achievements a district recognises, the
-- Open Badges 3.0 credentials it has issued for them, and the issuer's
-- signing key. Credentials are VC-JWTs (W3C VC-JOSE-COSE) signed with the
-- district's key; their status (revoked or not) is published as a
-- Bitstring Status List (W3C) whose bit status_index is this row's.

-- A micro-credential's definition: one competency, the method, the evidence
-- required and the scoring rubric (rubric rows in badge_rubric_rows).
CREATE TABLE badge_achievements (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    slug TEXT NOT NULL,                -- stable name in URLs and the achievement's id
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    competency TEXT NOT NULL,          -- what the holder can now do (OB 3.0 criteria.narrative)
    method TEXT NOT NULL DEFAULT '',   -- how it is earned (coursework, classroom evidence ...)
    evidence_required TEXT NOT NULL DEFAULT '', -- lesson plan, student work samples, reflection ...
    created_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX badge_achievements_slug ON badge_achievements (district_id, slug);

CREATE TABLE badge_rubric_rows (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    achievement_id INTEGER NOT NULL REFERENCES badge_achievements (id),
    ord INTEGER NOT NULL,
    criterion TEXT NOT NULL,           -- what the assessor scores
    pass_level TEXT NOT NULL DEFAULT '', -- what meets it
    PRIMARY KEY (district_id, achievement_id, ord)
);

-- The issuer's signing key (one current key per district; older ones stay
-- so credentials they signed still verify). private_sealed is the PKCS#8
-- DER private key sealed with the key file (store/seal.c); public_jwk is
-- the public key as a JWK (RFC 7517) with its kid.
CREATE TABLE badge_keys (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    kid TEXT NOT NULL,                 -- the JWK thumbprint (RFC 7638)
    alg TEXT NOT NULL,                 -- RS256 (EdDSA later)
    private_sealed BLOB NOT NULL,
    public_jwk TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    retired_ms INTEGER NOT NULL DEFAULT 0 -- 0: the current key
);
CREATE UNIQUE INDEX badge_keys_kid ON badge_keys (district_id, kid);

-- Issued credentials. jwt is the signed credential exactly as issued (the
-- holder's copy). status_index is its bit in the district's revocation
-- status list (unique per district); revoked_ms 0: not revoked.
CREATE TABLE badge_credentials (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    uuid TEXT NOT NULL,                -- the credential's id, urn:uuid:<uuid>
    achievement_id INTEGER NOT NULL REFERENCES badge_achievements (id),
    recipient_id INTEGER NOT NULL REFERENCES users (id), -- the teacher
    awarded_by TEXT NOT NULL,          -- who awarded it (username or operator), for the record
    awarded_by_user INTEGER REFERENCES users (id),
    issued_ms INTEGER NOT NULL,        -- validFrom
    expires_ms INTEGER NOT NULL DEFAULT 0, -- validUntil; 0: does not expire
    status_index INTEGER NOT NULL,
    kid TEXT NOT NULL,                 -- the key that signed it
    jwt TEXT NOT NULL,
    revoked_ms INTEGER NOT NULL DEFAULT 0,
    revoked_reason TEXT NOT NULL DEFAULT '',
    revoked_by TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX badge_credentials_uuid ON badge_credentials (uuid);
CREATE UNIQUE INDEX badge_credentials_status ON badge_credentials (district_id, status_index);
CREATE INDEX badge_credentials_recipient ON badge_credentials (district_id, recipient_id);

-- The evidence workflow: a teacher submits evidence for an achievement; an
-- assessor (a PD coordinator or coach, never the applicant) scores each
-- rubric row with feedback; a submission whose rows are all met passes and
-- awards the credential (credential_id); one that is returned may be
-- submitted again (a new row, round + 1).
CREATE TABLE badge_submissions (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    achievement_id INTEGER NOT NULL REFERENCES badge_achievements (id),
    applicant_id INTEGER NOT NULL REFERENCES users (id),
    round INTEGER NOT NULL,            -- 1 for the first submission, then 2, 3 ...
    evidence TEXT NOT NULL,            -- JSON: {lesson_plan, work_samples, reflection, data_note}
    state TEXT NOT NULL,               -- 'submitted', 'returned', 'passed'
    submitted_ms INTEGER NOT NULL,
    decided_ms INTEGER NOT NULL DEFAULT 0,
    assessor TEXT NOT NULL DEFAULT '',
    credential_id INTEGER REFERENCES badge_credentials (id)
);
CREATE INDEX badge_submissions_applicant ON badge_submissions (district_id, applicant_id);

CREATE TABLE badge_scores (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    submission_id INTEGER NOT NULL REFERENCES badge_submissions (id),
    ord INTEGER NOT NULL,              -- the rubric row (badge_rubric_rows.ord)
    met INTEGER NOT NULL,              -- 1: the row is met
    feedback TEXT NOT NULL,
    PRIMARY KEY (district_id, submission_id, ord)
);
