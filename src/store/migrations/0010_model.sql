-- The learner model's state, derived from the LRS's statements and
-- rebuildable from them (`trellis model rebuild`): BKT parameters per skill
-- (defaults until `trellis model fit` fits them), each learner's P(mastered)
-- per skill, and how far into the statements (seq) the state is current.

CREATE TABLE model_skills (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    skill TEXT NOT NULL,               -- the skill's activity IRI
    prior REAL NOT NULL,
    learn REAL NOT NULL,
    forget REAL NOT NULL,
    guess REAL NOT NULL,
    slip REAL NOT NULL,
    fitted_ms INTEGER NOT NULL DEFAULT 0, -- 0: default parameters, never fitted
    fit_answers INTEGER NOT NULL DEFAULT 0,
    fit_loglik REAL NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX model_skills_name ON model_skills (district_id, skill);

CREATE TABLE model_mastery (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    skill_id INTEGER NOT NULL REFERENCES model_skills (id),
    p_mastery REAL NOT NULL,           -- P(mastered) at the next opportunity
    answers INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    last_ms INTEGER NOT NULL,          -- the latest answer's timestamp
    PRIMARY KEY (district_id, user_id, skill_id)
);

CREATE TABLE model_cursor (
    district_id INTEGER PRIMARY KEY REFERENCES districts (id),
    last_seq INTEGER NOT NULL          -- lrs_statements.seq of the last statement applied
);
