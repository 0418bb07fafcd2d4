-- The per-student index of the audit log kept compact: every audited read
-- of a class writes one row per student, so the table is the largest part
-- of the writer's work. Without a rowid (SQLite: the primary key is the
-- table, one b-tree insert per row instead of two) and without the foreign
-- key to audit_log (a lookup per row; the rows are written in the same
-- transaction as their entry, and `trellis audit verify` checks that the
-- index and the entries' subjects agree). PostgreSQL keeps the same three
-- columns and primary key.
CREATE TABLE audit_subjects_compact (
    district_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    entry_id INTEGER NOT NULL,
    PRIMARY KEY (district_id, user_id, entry_id)
) WITHOUT ROWID;
INSERT INTO audit_subjects_compact (district_id, user_id, entry_id)
    SELECT district_id, user_id, entry_id FROM audit_subjects;
DROP TABLE audit_subjects;
ALTER TABLE audit_subjects_compact RENAME TO audit_subjects;
