-- Keyed chain heads and the keyed list of chains (see store_audit.h).
--
-- Each chain head gets a MAC under the sealing key's audit subkey over
-- (chain, seq, head), so deleting the newest entries and rewriting the head
-- row to the entry left last needs the key file, which never enters the
-- database. audit_chains lists every chain ever opened, with a MAC, so a
-- chain deleted whole (entries and head) is missed. The MACs of the heads
-- and the list that exist when this migration runs are made by the store
-- right after it (SQL has no key), in the same transaction.
ALTER TABLE audit_chain ADD COLUMN mac BLOB;

CREATE TABLE audit_chains (
    slot INTEGER PRIMARY KEY,             -- always 1: one row
    chains TEXT NOT NULL,                 -- every chain opened, ascending, comma-separated
    mac BLOB NOT NULL
);
