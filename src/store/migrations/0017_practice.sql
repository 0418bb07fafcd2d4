-- Practice: the problem each learner is working on (one at a time), where
-- they are in it, and the items they saw last (for variety). Everything a
-- learner did is in the LRS as statements; this is only the place in the
-- current problem, so a page that reloads (or a second device) resumes it.
CREATE TABLE practice_current (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    item_id INTEGER NOT NULL,          -- content_items.id
    seed INTEGER NOT NULL,             -- the generator's seed (as a signed 64-bit value)
    skill_id INTEGER NOT NULL,         -- content_skills.id it practises
    reason TEXT NOT NULL,              -- why it was chosen: assigned, continue, remediate ...
    spun_on INTEGER NOT NULL DEFAULT 0,-- remediate: the skill the learner spun on
    step INTEGER NOT NULL DEFAULT 0,   -- the index of the step being answered
    attempts INTEGER NOT NULL DEFAULT 0, -- answers to that step so far
    hints INTEGER NOT NULL DEFAULT 0,    -- hints of that step shown so far
    done INTEGER NOT NULL DEFAULT 0,     -- 1: every step answered
    registration TEXT NOT NULL,        -- the xAPI registration of this problem (a UUID)
    served_ms INTEGER NOT NULL,
    recent TEXT NOT NULL DEFAULT '',   -- ids of the items served last, newest first
    PRIMARY KEY (district_id, user_id)
);
