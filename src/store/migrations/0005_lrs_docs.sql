-- xAPI documents (Activity State, Activity Profile, Agent Profile) and the
-- cursor of forwarding to upstream LRSs.
--
-- A document is addressed by its kind and the parameters of its resource;
-- absent parameters are '' so one unique index covers every kind:
--   kind 1 state:            activity_id, agent_key, registration, doc_id (stateId)
--   kind 2 activity profile: activity_id, doc_id (profileId)
--   kind 3 agent profile:    agent_key, doc_id (profileId)
-- agent_key is the agent's inverse functional identifier in one canonical
-- form (src/app/lrs_docs.c). user_id links a document to the rostered
-- person the agent is (NULL: not linked), so deleting a learner's records
-- finds them. etag is the SHA-1 of the content in lowercase hex (xAPI 1.0.3
-- Communication 3.1).

CREATE TABLE lrs_documents (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    kind INTEGER NOT NULL,
    activity_id TEXT NOT NULL,
    agent_key TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    user_id INTEGER,
    content_type TEXT NOT NULL,
    content BLOB NOT NULL,
    etag TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX lrs_documents_key
    ON lrs_documents (district_id, kind, activity_id, agent_key, registration, doc_id);
CREATE INDEX lrs_documents_agent ON lrs_documents (district_id, kind, agent_key);
CREATE INDEX lrs_documents_user ON lrs_documents (district_id, user_id);

-- Forwarding: one row per district and upstream URL. after_seq is the seq
-- of the last statement the upstream acknowledged with 200. Before a batch
-- is sent, pending_seq/pending_id/pending_n record its last statement and
-- size; after a crash or a lost answer the forwarder asks the upstream for
-- pending_id before sending anything again, so a batch the upstream took
-- is never sent twice. One forwarder at a time holds the row (owner, until
-- lease_until), so the server and a `trellis lrs forward` never race.
CREATE TABLE lrs_forward (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    target TEXT NOT NULL,
    after_seq INTEGER NOT NULL,
    pending_seq INTEGER NOT NULL,
    pending_id TEXT NOT NULL,
    pending_n INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    owner TEXT NOT NULL,
    lease_until INTEGER NOT NULL
);
CREATE UNIQUE INDEX lrs_forward_target ON lrs_forward (district_id, target);
