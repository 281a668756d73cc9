-- PostgreSQL form of ../019_checks_without_in_lists.sql: nothing to change. PostgreSQL evaluates
-- an IN list of constants as a comparison against an array, with no temporary structure to
-- build, so its CHECKs and trigger conditions keep their IN lists (scripts/compare-schemas.py
-- reads `x = 'a' OR x = 'b'` and `x IN ('a', 'b')` as the same). The file keeps the two
-- migration sets numbered alike.
SELECT 1;
