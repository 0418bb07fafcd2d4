-- What each learner did each day in each skill, derived from the statements
-- by the learner model as it applies them (and rebuilt with it, `trellis
-- model rebuild`): answers and the right ones, hints asked for, and how
-- often the skill was mastered that day. Views of recent practice (the
-- family pages) read this, never the statements. day is the statement's
-- timestamp in days since 1970-01-01 (UTC).
CREATE TABLE model_days (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    day INTEGER NOT NULL,
    skill_id INTEGER NOT NULL REFERENCES model_skills (id),
    answers INTEGER NOT NULL DEFAULT 0,
    correct INTEGER NOT NULL DEFAULT 0,
    hints INTEGER NOT NULL DEFAULT 0,
    mastered INTEGER NOT NULL DEFAULT 0,
    last_ms INTEGER NOT NULL,          -- the latest statement's timestamp that day
    PRIMARY KEY (district_id, user_id, day, skill_id)
);

-- The practice stored before this migration counts too: the migration's
-- step (store_model_reset_all, src/store/store.c) resets the learner model
-- as `trellis model rebuild` does (the skills and their fitted parameters
-- stay), and the server's follower (or the next read) replays every
-- statement into the mastery and the days.
