-- PostgreSQL form of ../011_call_caller.sql (INTEGER is BIGINT; callback_promised stays a 0/1 BIGINT).
-- Who rang, when the worker said (docs/protocol.md, "Phone calls", the wrap-up): the caller's role
-- or agency, from a fixed list (protocol caller_roles: school, early_years, health, gp, police,
-- youth_service, voluntary_sector, adult_services, other), and whether a call-back was promised.
-- Both optional: NULL when the worker left them out, and for calls wrapped up before this.
ALTER TABLE phone_calls ADD COLUMN caller_role TEXT;
ALTER TABLE phone_calls ADD COLUMN callback_promised BIGINT;
