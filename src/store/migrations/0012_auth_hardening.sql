-- Identity hardening (see src/app/auth.h).
--
-- A (name, address) throttle row also remembers when that name last logged
-- in from that address: such an address is familiar to the account, and a
-- wait that the account or the address is under (an attack on the account
-- from elsewhere, a sprayer behind the same NAT) does not stop the right
-- password from there (NIST SP 800-63B section 5.2.2). 0: never.
ALTER TABLE login_throttle ADD COLUMN last_success_at INTEGER NOT NULL DEFAULT 0;

-- The login card that opened a session (NULL: not a card), so revoking the
-- card ends the sessions it opened.
ALTER TABLE sessions ADD COLUMN card_id INTEGER REFERENCES login_cards (id);
CREATE INDEX sessions_card ON sessions (district_id, card_id);
