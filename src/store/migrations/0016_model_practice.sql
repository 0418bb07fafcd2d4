-- What practice needs of the learner model, still derived from statements
-- (rebuilt by `trellis model rebuild`): per learner and skill, the first
-- attempts since the skill was last mastered (a learner with many is
-- "spinning"), the hints asked for, the day of the last first attempt, and
-- the spaced-review (FSRS) memory state of a skill once mastered.
ALTER TABLE model_mastery ADD COLUMN attempts_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE model_mastery ADD COLUMN hints INTEGER NOT NULL DEFAULT 0;
ALTER TABLE model_mastery ADD COLUMN last_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE model_mastery ADD COLUMN fsrs_stability REAL NOT NULL DEFAULT 0;
ALTER TABLE model_mastery ADD COLUMN fsrs_difficulty REAL NOT NULL DEFAULT 0;
ALTER TABLE model_mastery ADD COLUMN mastered_ms INTEGER NOT NULL DEFAULT 0;
