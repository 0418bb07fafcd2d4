-- The first second factor of an account that must have one (counsellors, school and district
-- administrators) is enrolled with the password alone, so a stolen password would let anyone
-- enrol an authenticator of their own. Enrolment is open only until mfa_enrol_until (ms): an
-- administrator opens it for 72 hours when they add the account, set its password or remove
-- its second factor (src/app/auth_admin.c); changing one's own password does not. NULL:
-- closed (accounts from before this migration: an administrator sets a new password).
ALTER TABLE accounts ADD COLUMN mfa_enrol_until INTEGER;
