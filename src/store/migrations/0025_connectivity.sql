-- Home connectivity (issue 13): the home digital-access survey, its one-use
-- codes, referrals to low-cost internet programmes, and digital-literacy
-- sessions with their attendance. See docs/EQUITY.md "Home connectivity".
--
-- Survey answers and referral notes are sensitive (household income and
-- access): they are sealed (store/seal.h) and read only through the access
-- gate. A survey code is never stored, only its keyed digest.

-- One-use, expiring codes a school gives a family to answer for a student.
CREATE TABLE survey_codes (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    school_id INTEGER NOT NULL REFERENCES orgs (id), -- the school that issued it
    user_id INTEGER NOT NULL REFERENCES users (id),  -- the student it is for
    code_index BLOB NOT NULL,          -- keyed digest of the code (seal_index), never the code
    issued_by INTEGER REFERENCES users (id), -- NULL: the operator
    issued_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    used_ms INTEGER NOT NULL DEFAULT 0 -- 0: not used yet
);
CREATE UNIQUE INDEX survey_codes_index ON survey_codes (code_index);
CREATE INDEX survey_codes_user ON survey_codes (district_id, user_id);

-- Answers, one row per answer given (the latest counts): the elements
-- themselves are sealed together as one JSON object in `sealed`.
CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id), -- the student
    household_id INTEGER REFERENCES users (id), -- the student's first guardian by the roster
                                                -- (siblings share it); NULL: none on the roster
    source TEXT NOT NULL,              -- 'family' (by code) or 'staff' (on the family's behalf)
    code_id INTEGER REFERENCES survey_codes (id), -- the code used (family answers)
    entered_by INTEGER REFERENCES users (id), -- the staff member (staff answers)
    answered_ms INTEGER NOT NULL,
    answers_sealed BLOB NOT NULL       -- the answers (JSON), sealed
);
CREATE INDEX survey_answers_user ON survey_answers (district_id, user_id, answered_ms);

-- Referrals of a student's household to a low-cost internet programme.
CREATE TABLE internet_referrals (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id), -- the student whose household is referred
    programme TEXT NOT NULL,           -- lifeline, provider_plan, state_program, other
    provider TEXT NOT NULL DEFAULT '', -- e.g. the provider's low-income plan's name
    status TEXT NOT NULL,              -- referred, applied, enrolled, declined
    outcome_sealed BLOB,               -- the latest outcome note, sealed; NULL: none
    created_by INTEGER REFERENCES users (id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX internet_referrals_user ON internet_referrals (district_id, user_id);

-- Each status a referral went through, with who set it and the note.
CREATE TABLE internet_referral_events (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    referral_id INTEGER NOT NULL REFERENCES internet_referrals (id),
    status TEXT NOT NULL,
    note_sealed BLOB,                  -- sealed; NULL: none
    by_user INTEGER REFERENCES users (id),
    at_ms INTEGER NOT NULL
);
CREATE INDEX internet_referral_events_ref ON internet_referral_events (district_id, referral_id);

-- Digital-literacy sessions a school holds, and who came.
CREATE TABLE literacy_sessions (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    school_id INTEGER NOT NULL REFERENCES orgs (id),
    audience TEXT NOT NULL,            -- families, students, staff
    topic TEXT NOT NULL,               -- device_basics, platform_use, online_safety,
                                       -- low_cost_internet, other
    title TEXT NOT NULL,
    lang TEXT NOT NULL,                -- the language it is held in (en, es ...)
    day INTEGER NOT NULL,              -- days since 1970-01-01
    walk_ins INTEGER NOT NULL DEFAULT 0, -- people who came and are not on the roster
    created_by INTEGER REFERENCES users (id),
    created_ms INTEGER NOT NULL
);
CREATE INDEX literacy_sessions_school ON literacy_sessions (district_id, school_id, day);

CREATE TABLE literacy_attendance (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    session_id INTEGER NOT NULL REFERENCES literacy_sessions (id),
    user_id INTEGER NOT NULL REFERENCES users (id), -- a guardian, student or staff member
    PRIMARY KEY (district_id, session_id, user_id)
);
