-- Content: packs of skills and problems (docs/CONTENT.md). Not student
-- data; every row belongs to one district, which imports its packs itself
-- (`trellis content import`). A pack imported again replaces its rows; a
-- skill or item that a new version no longer has is retired (kept for
-- the records that name it, never offered again), not deleted.

CREATE TABLE content_packs (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    pack TEXT NOT NULL,                -- the pack's id ("trellis-math-3-8")
    version TEXT NOT NULL,
    format TEXT NOT NULL,              -- "trellis" or "oatutor" (what it was imported from)
    title TEXT NOT NULL,               -- JSON: {"en": ..., "es": ...}
    languages TEXT NOT NULL,           -- "en,es": every text of the pack is in these
    license TEXT NOT NULL,
    attribution TEXT NOT NULL,         -- the credit line shown with the pack's items
    digest TEXT NOT NULL,              -- SHA-256 of the normalised pack: re-importing it is a no-op
    source TEXT NOT NULL,              -- where it was imported from (a path, "builtin:...")
    imported_ms INTEGER NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE UNIQUE INDEX content_packs_pack ON content_packs (district_id, pack);

CREATE TABLE content_skills (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    pack_id INTEGER NOT NULL REFERENCES content_packs (id),
    skill TEXT NOT NULL,               -- the id within the pack
    iri TEXT NOT NULL,                 -- the xAPI objective activity id (model_skills.skill)
    grade INTEGER,                     -- NULL: not given
    name TEXT NOT NULL,                -- JSON language map
    description TEXT NOT NULL,         -- JSON language map ({} when none)
    bkt TEXT,                          -- JSON {prior, learn, guess, slip} the pack suggests, or NULL
    ord INTEGER NOT NULL,              -- order in the pack
    retired INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX content_skills_skill ON content_skills (district_id, pack_id, skill);
CREATE INDEX content_skills_iri ON content_skills (district_id, iri);

CREATE TABLE content_prerequisites (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    skill_id INTEGER NOT NULL REFERENCES content_skills (id),
    prerequisite_id INTEGER NOT NULL REFERENCES content_skills (id),
    PRIMARY KEY (district_id, skill_id, prerequisite_id)
);

CREATE TABLE content_items (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    pack_id INTEGER NOT NULL REFERENCES content_packs (id),
    item TEXT NOT NULL,                -- the id within the pack
    iri TEXT NOT NULL,                 -- the xAPI activity id of the item
    generator TEXT,                    -- a core/gen.h generator, or NULL for fixed steps
    body TEXT NOT NULL,                -- the item as normalised JSON (steps, or generator and params)
    languages TEXT NOT NULL,
    attribution TEXT,                  -- JSON {text, sources} when the item has its own
    irt_difficulty REAL,               -- NULL: not calibrated
    irt_discrimination REAL,
    ord INTEGER NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX content_items_item ON content_items (district_id, pack_id, item);

CREATE TABLE content_item_skills (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    skill_id INTEGER NOT NULL REFERENCES content_skills (id),
    item_id INTEGER NOT NULL REFERENCES content_items (id),
    PRIMARY KEY (district_id, skill_id, item_id)
);

CREATE TABLE content_misconceptions (
    district_id INTEGER NOT NULL REFERENCES districts (id),
    pack_id INTEGER NOT NULL REFERENCES content_packs (id),
    misconception TEXT NOT NULL,
    name TEXT NOT NULL,                -- JSON language map
    PRIMARY KEY (district_id, pack_id, misconception)
);
