-- The learner model carries P(not mastered) beside P(mastered): once a
-- learner has answered a few dozen times correctly, 1 - p_mastery rounds to
-- 0 in a double, and a state read back from p_mastery alone could never be
-- lowered again by wrong answers (src/core/bkt.h). NULL in rows written
-- before this column: read as 1 - p_mastery.

ALTER TABLE model_mastery ADD COLUMN p_unmastered REAL;
