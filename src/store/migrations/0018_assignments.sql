-- Assignments (issue 12): a teacher assigns skills of the district's packs to
-- a class, or to chosen students of it, with a due date; practice takes an
-- open assignment that is not mastered first (core/select.h). Completion is
-- not stored: it is read from the learner model (model_mastery) when asked,
-- so it is always as current as the model.
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    class_id INTEGER NOT NULL REFERENCES classes (id),
    whole_class INTEGER NOT NULL,      -- 1: every student of the class, as the roster stands each day
                                       -- 0: the students in assignment_students (while in the class)
    given_day INTEGER NOT NULL,        -- the day it was given (days since 1970-01-01): open from then
    due_day INTEGER NOT NULL,          -- the due date, a school day (days since 1970-01-01)
    note TEXT NOT NULL DEFAULT '',     -- the teacher's note to the students
    assigned_by INTEGER REFERENCES users (id), -- the teacher; NULL: staff with no roster record
    assigned_by_name TEXT NOT NULL,    -- who assigned it, as shown to students
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    closed_ms INTEGER NOT NULL DEFAULT 0 -- 0: open; else when it was closed (practice no longer
                                         -- takes it; its completion stays readable)
);
CREATE INDEX assignments_class ON assignments (district_id, class_id, due_day);

CREATE TABLE assignment_skills (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    skill TEXT NOT NULL,               -- the skill's IRI (content_skills.iri = model_skills.skill)
    ord INTEGER NOT NULL,              -- the order the teacher listed them in
    PRIMARY KEY (district_id, assignment_id, skill)
);

CREATE TABLE assignment_students (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (district_id, assignment_id, user_id)
);
CREATE INDEX assignment_students_user ON assignment_students (district_id, user_id);
