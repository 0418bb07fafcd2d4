-- Districts and rosters (OneRoster 1.1 / 1.2 data model).
--
-- Every table that grows with students carries district_id and every index
-- starts with it, so a distributed PostgreSQL can shard by district.
-- Instants are INTEGER milliseconds since the epoch (UTC); calendar dates are
-- INTEGER days since 1970-01-01; booleans are 0/1. OneRoster `status` is
-- 'active' or 'tobedeleted'; a record missing from a later bulk import is
-- set to 'tobedeleted' (deactivated), never deleted, so its learning records
-- stay. Multi-valued OneRoster fields that Trellis only round-trips (grades,
-- subjects, periods, userIds) are kept as the comma-separated text of the
-- CSV binding; relations Trellis reasons about (terms of a class, a user's
-- orgs, guardians) get link tables.
-- A record's date_last_modified is the dateLastModified of a delta row, or for
-- a bulk row (where the column is blank) the time of the import that created
-- or changed it; an unchanged record keeps it, so re-importing a set changes
-- nothing.
-- Sensitive fields are sealed (see src/store/seal.h): *_sealed columns hold
-- ciphertext, *_index columns a keyed digest for equality lookups.

CREATE TABLE districts (
    id INTEGER PRIMARY KEY,
    sourced_id TEXT NOT NULL UNIQUE,   -- sourcedId of the district org
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    name TEXT NOT NULL,
    type TEXT NOT NULL,                -- district, school, department, local, state, national
    identifier TEXT,
    parent_id INTEGER REFERENCES orgs (id)
);
CREATE UNIQUE INDEX orgs_sourced ON orgs (district_id, sourced_id);
CREATE INDEX orgs_parent ON orgs (district_id, parent_id);

CREATE TABLE academic_sessions (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    title TEXT NOT NULL,
    type TEXT NOT NULL,                -- gradingPeriod, semester, schoolYear, term
    start_date INTEGER NOT NULL,
    end_date INTEGER NOT NULL,
    parent_id INTEGER REFERENCES academic_sessions (id),
    school_year INTEGER NOT NULL,
    org_id INTEGER REFERENCES orgs (id)  -- 1.2 orgSourcedId, when given
);
CREATE UNIQUE INDEX academic_sessions_sourced ON academic_sessions (district_id, sourced_id);
CREATE INDEX academic_sessions_dates ON academic_sessions (district_id, start_date, end_date);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    school_year_id INTEGER REFERENCES academic_sessions (id),
    title TEXT NOT NULL,
    course_code TEXT,
    grades TEXT,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    subjects TEXT,
    subject_codes TEXT
);
CREATE UNIQUE INDEX courses_sourced ON courses (district_id, sourced_id);

CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    title TEXT NOT NULL,
    grades TEXT,
    course_id INTEGER NOT NULL REFERENCES courses (id),
    class_code TEXT,
    class_type TEXT NOT NULL,          -- homeroom, scheduled
    location TEXT,
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    subjects TEXT,
    subject_codes TEXT,
    periods TEXT
);
CREATE UNIQUE INDEX classes_sourced ON classes (district_id, sourced_id);
CREATE INDEX classes_school ON classes (district_id, school_id);

CREATE TABLE class_terms (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    class_id INTEGER NOT NULL REFERENCES classes (id),
    session_id INTEGER NOT NULL REFERENCES academic_sessions (id),
    ord INTEGER NOT NULL,              -- position in termSourcedIds
    PRIMARY KEY (district_id, class_id, session_id)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    enabled_user INTEGER NOT NULL DEFAULT 1,
    role TEXT NOT NULL,                -- the primary OneRoster role (1.1 users.role; 1.2 primary role)
    username TEXT NOT NULL,
    user_ids TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    middle_name TEXT,
    identifier TEXT,
    email_sealed BLOB,
    email_index BLOB,                  -- keyed digest of lower(email), for xAPI mbox matching
    sms_sealed BLOB,
    phone_sealed BLOB,
    contact_digest BLOB,               -- keyed digest of email, sms and phone: spots changes without unsealing
    grades TEXT,
    user_master_identifier TEXT,
    preferred_given_name TEXT,
    preferred_middle_name TEXT,
    preferred_family_name TEXT,
    primary_org_id INTEGER REFERENCES orgs (id),
    pronouns TEXT
);
CREATE UNIQUE INDEX users_sourced ON users (district_id, sourced_id);
CREATE INDEX users_username ON users (district_id, username);
CREATE INDEX users_email ON users (district_id, email_index);

-- A user's orgs (1.1 orgSourcedIds, in order; 1.2 from roles).
CREATE TABLE user_orgs (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    ord INTEGER NOT NULL,
    PRIMARY KEY (district_id, user_id, org_id)
);
CREATE INDEX user_orgs_org ON user_orgs (district_id, org_id);

-- agentSourcedIds: for a student, their guardians; for a guardian, their children.
CREATE TABLE user_agents (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    agent_id INTEGER NOT NULL REFERENCES users (id),
    ord INTEGER NOT NULL,
    PRIMARY KEY (district_id, user_id, agent_id)
);
CREATE INDEX user_agents_agent ON user_agents (district_id, agent_id);

-- OneRoster 1.2 roles.csv (for 1.1 sets, derived from users.role and orgSourcedIds).
CREATE TABLE user_roles (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    user_id INTEGER NOT NULL REFERENCES users (id),
    role_type TEXT NOT NULL,           -- primary, secondary
    role TEXT NOT NULL,
    begin_date INTEGER,
    end_date INTEGER,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    user_profile_sourced_id TEXT
);
CREATE UNIQUE INDEX user_roles_sourced ON user_roles (district_id, sourced_id);
CREATE INDEX user_roles_user ON user_roles (district_id, user_id);
CREATE INDEX user_roles_org ON user_roles (district_id, org_id, role);

-- OneRoster 1.2 userProfiles.csv; roster passwords are never stored.
CREATE TABLE user_profiles (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    user_id INTEGER NOT NULL REFERENCES users (id),
    profile_type TEXT NOT NULL,
    vendor_id TEXT NOT NULL,
    application_id TEXT,
    description TEXT,
    credential_type TEXT,
    username TEXT
);
CREATE UNIQUE INDEX user_profiles_sourced ON user_profiles (district_id, sourced_id);

CREATE TABLE enrollments (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    class_id INTEGER NOT NULL REFERENCES classes (id),
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,                -- administrator, proctor, student, teacher (1.2 adds aide, guardian, parent ...)
    is_primary TEXT,                   -- 'true', 'false' or NULL as given
    begin_date INTEGER,
    end_date INTEGER
);
CREATE UNIQUE INDEX enrollments_sourced ON enrollments (district_id, sourced_id);
CREATE INDEX enrollments_class ON enrollments (district_id, class_id, role);
CREATE INDEX enrollments_user ON enrollments (district_id, user_id);

-- demographics.csv, one row per user; every field is sealed together as JSON.
CREATE TABLE demographics (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    sourced_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    date_last_modified INTEGER,
    sealed BLOB NOT NULL,
    digest BLOB NOT NULL               -- keyed digest of the plaintext: spots changes without unsealing
);
CREATE UNIQUE INDEX demographics_sourced ON demographics (district_id, sourced_id);
CREATE UNIQUE INDEX demographics_user ON demographics (district_id, user_id);

-- One row per roster import that committed: who ran it, from where, and what it changed.
CREATE TABLE roster_imports (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    at INTEGER NOT NULL,
    principal TEXT NOT NULL,           -- who ran it (a username, or "operator (cli)")
    source TEXT NOT NULL,              -- file name or "upload"
    version TEXT NOT NULL,             -- oneroster.version of the set
    summary TEXT NOT NULL              -- the JSON summary shown to the caller
);
CREATE INDEX roster_imports_at ON roster_imports (district_id, at);
