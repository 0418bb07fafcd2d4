-- The LRS's keys hold no plain identifier and no client-chosen spelling (issue 10).
--
-- lrs_documents.agent_key held the agent's inverse functional identifier in
-- plain text (an e-mail address, an OpenID, an account name), so it was in
-- the WAL and in every backup. The column becomes agent_digest: the keyed
-- digest (store/seal.c seal_index, the key file's index subkey) of that
-- canonical text, in lower-case hex; '' for documents without an agent.
-- SQL cannot compute a digest under a key that never enters the database,
-- so the rows are converted by store_lrs_doc_digest_agents()
-- (src/store/store_lrs_docs.c) right after this file, in the same
-- transaction (src/store/store.c runs it for version 14).
ALTER TABLE lrs_documents RENAME COLUMN agent_key TO agent_digest;

-- Attachment content is keyed by its SHA-2 in lower case (the hash the
-- LRS computes from the bytes). Keys an older version stored in the case a
-- client sent are lowered; a key already present in lower case keeps its
-- row.
INSERT INTO lrs_attachments (district_id, sha2, content_type, content)
    SELECT district_id, lower(sha2), content_type, content FROM lrs_attachments
    WHERE sha2 <> lower(sha2)
    ON CONFLICT DO NOTHING;
DELETE FROM lrs_attachments WHERE sha2 <> lower(sha2);
