-- What the school and district views add up, kept by the learner model's
-- follower beside model_mastery (and rebuilt with it by `trellis model
-- rebuild`): per learner, the skills mastered now; per learner and week,
-- the answers, the practice time and the skills mastered and lost. Views
-- read these small tables, never the statements (docs/ARCHITECTURE.md,
-- "School and district views").
--
-- week: whole weeks since Monday 1970-01-05 00:00 UTC (day + 3) / 7, so a
-- week starts on a Monday. seconds: each answer's result.duration, at most
-- 300 s (a page left open is not practice). A database upgraded to this
-- migration has the mastered counts at once (below) and the weeks after
-- it; `trellis model rebuild` fills in the weeks before.

CREATE TABLE model_learners (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    mastered INTEGER NOT NULL DEFAULT 0,  -- skills with P(mastered) >= 0.95
    PRIMARY KEY (district_id, user_id)
);

CREATE TABLE model_weekly (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    week INTEGER NOT NULL,
    answers INTEGER NOT NULL DEFAULT 0,
    seconds INTEGER NOT NULL DEFAULT 0,
    gained INTEGER NOT NULL DEFAULT 0,    -- skills that crossed 0.95 upwards this week
    lost INTEGER NOT NULL DEFAULT 0,      -- and downwards
    PRIMARY KEY (district_id, user_id, week)
);
CREATE INDEX model_weekly_week ON model_weekly (district_id, week, user_id);

INSERT INTO model_learners (district_id, user_id, mastered)
SELECT district_id, user_id, SUM(CASE WHEN p_mastery >= 0.95 THEN 1 ELSE 0 END)
FROM model_mastery GROUP BY district_id, user_id;
