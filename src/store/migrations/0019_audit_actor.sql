-- The audit log by who acted: the administration pages (and `trellis audit
-- show`) list a district's entries by actor, newest first, without walking
-- the whole chain.
CREATE INDEX audit_log_actor ON audit_log (chain, actor_name, seq);
