-- What the school and district views read (src/store/store_schoolview.c),
-- so that a view reads a few thousand rows however large the district:
--   sv_members: each active student's reporting group (school, grade,
--     reporting class, as store_schoolview.h defines them) worked out for
--     one day and one roster (sv_state), with the latest week they answered;
--   sv_groups: per group, its students and the skills they have mastered;
--   sv_weeks: per group and week, the sums of model_weekly's rows of its
--     students, and how many of them answered last in that week.
-- The groups are worked out again (from the roster and the learner model's
-- tables, in one transaction) on the first view of a day, after a roster
-- import, and after the learner model was reset (`trellis model rebuild`,
-- forgetting a learner: both delete sv_state); between those the learner
-- model keeps sv_groups and sv_weeks current as it applies statements
-- (store_model_usage_add). All of it is derived, never a source.

CREATE TABLE sv_state (
    district_id INTEGER PRIMARY KEY REFERENCES districts (id),
    day INTEGER NOT NULL,              -- days since 1970-01-01 the groups are for
    import_id INTEGER NOT NULL         -- the district's latest roster_imports.id then (0: none)
);

CREATE TABLE sv_members (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    school_id INTEGER NOT NULL,        -- 0: no school
    grade TEXT NOT NULL,               -- '' when none
    class_id INTEGER NOT NULL,         -- 0: no class at their school that day
    last_week INTEGER NOT NULL,        -- the latest model_weekly week with answers, or -1
    PRIMARY KEY (district_id, user_id)
);
CREATE INDEX sv_members_group ON sv_members (district_id, school_id, grade, class_id, last_week);

CREATE TABLE sv_groups (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    school_id INTEGER NOT NULL,
    grade TEXT NOT NULL,
    class_id INTEGER NOT NULL,
    students INTEGER NOT NULL,
    mastered INTEGER NOT NULL,         -- model_learners.mastered of its students, summed
    PRIMARY KEY (district_id, school_id, grade, class_id)
);

CREATE TABLE sv_weeks (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    school_id INTEGER NOT NULL,
    grade TEXT NOT NULL,
    class_id INTEGER NOT NULL,
    week INTEGER NOT NULL,             -- as model_weekly.week
    active INTEGER NOT NULL DEFAULT 0, -- students with answers that week
    last INTEGER NOT NULL DEFAULT 0,   -- students whose latest week with answers is this one
    seconds INTEGER NOT NULL DEFAULT 0,
    net INTEGER NOT NULL DEFAULT 0,    -- gained - lost
    act_seconds INTEGER NOT NULL DEFAULT 0, -- seconds and net of the rows with answers only
    act_net INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (district_id, school_id, grade, class_id, week)
);
-- covering indexes: the trend reads weeks of every school, the cells their window
CREATE INDEX sv_weeks_week ON sv_weeks (district_id, week, school_id, active, act_seconds, act_net);
CREATE INDEX sv_weeks_group ON sv_weeks (district_id, school_id, grade, class_id, week, net, last,
    seconds);
