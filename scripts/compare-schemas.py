#!/usr/bin/env python3
"""Checks that the PostgreSQL migrations give the same schema, and the same data, as the SQLite ones.

src/store/migrations/NNN_name.sql (SQLite) and src/store/migrations/postgresql/NNN_name.sql are
applied in order, the SQLite ones to a fresh temporary file (foreign keys off while they run and
checked before each commits, as the server's migrate() does), the PostgreSQL ones each in one
transaction to a fresh database this script creates (schema_check_<pid>) and drops at the end.

It then compares: the table names; per table the columns (name, type mapping INTEGER->bigint,
TEXT->text, BLOB->bytea, REAL->double precision, NOT NULL, default, rowid alias <-> identity),
the primary key, UNIQUE constraints, indexes (name, uniqueness, columns, partial predicate),
foreign keys (columns, target, ON UPDATE/ON DELETE), CHECK constraints, and triggers (name,
timing, event, WHEN condition).

And it runs the same statements on both databases and compares whether each succeeded (and the
message, where a trigger raises one) and every table's rows afterwards:
  fresh              all migrations, then writes that exercise every trigger and constraint;
  upgrade-after-009  rows written after 009, then 010..013 (the conversation_hubs backfill and
                     the handoffs rebuild of 012 with rows in place), then more writes;
  upgrade-after-001  rows written after 001, then 002..013 (ADD COLUMN defaults, backfills).

Usage: scripts/compare-schemas.py --pg-port 5432 --pg-user rightconv [--pg-host 127.0.0.1] [--pg-migrations DIR]
--pg-migrations checks another copy of the PostgreSQL files (e.g. a deliberately broken one, to
see the check catch it). The user must be allowed to create databases. Exits 0 when there is no
difference, 1 when there is one (each is printed), 2 when the check itself could not run (a
migration failed, a database could not be created).
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SQLITE_DIR = os.path.join(ROOT, "src", "store", "migrations")
PG_DIR = os.path.join(SQLITE_DIR, "postgresql")

TYPE_MAP = {"INTEGER": "bigint", "TEXT": "text", "BLOB": "bytea", "REAL": "double precision"}
PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


class SetupError(Exception):
    pass


def migration_files(directory):
    out = []
    for name in sorted(os.listdir(directory)):
        m = re.match(r"^(\d+)_.*\.sql$", name)
        if m:
            out.append((int(m.group(1)), name, os.path.join(directory, name)))
    return out


# ---------------------------------------------------------------------------------------------
# Expressions (CHECK, WHEN, partial index predicates) in a form both databases' text reduces to.

def strip_outer_parens(s):
    while s.startswith("(") and s.endswith(")"):
        depth, in_str = 0, False
        for i, ch in enumerate(s):
            if ch == "'":
                in_str = not in_str
            elif not in_str and ch == "(":
                depth += 1
            elif not in_str and ch == ")":
                depth -= 1
                if depth == 0 and i != len(s) - 1:
                    return s  # the first parenthesis closes before the end: not one pair around all
        s = s[1:-1].strip()
    return s


def norm_expr(s):
    s = re.sub(r"::[a-z][a-z ]*?(\[\])?(?=[\s,\)\]]|$)", "", s)  # PostgreSQL's casts ('x'::text)
    s = re.sub(r"\s+", " ", s).strip()
    s = strip_outer_parens(s)
    s = re.sub(r"\bnew\.", "NEW.", s, flags=re.I)
    s = re.sub(r"\bold\.", "OLD.", s, flags=re.I)
    m = re.fullmatch(r"([\w.]+) = ANY \(ARRAY\[(.*)\]\)", s) or re.fullmatch(r"([\w.]+)\s+IN\s*\((.*)\)", s, re.I)
    if m:
        literals = re.findall(r"'(?:[^']|'')*'|-?\d+", m.group(2))
        return "%s IN (%s)" % (m.group(1), ", ".join(sorted(literals)))
    # `x = 'a' OR x = 'b'` means `x IN ('a', 'b')`: SQLite's migration 019 writes its hot CHECKs so.
    terms = [strip_outer_parens(t.strip()) for t in re.split(r"\s+OR\s+", s, flags=re.I)]
    equals = [re.fullmatch(r"([\w.]+)\s*=\s*('(?:[^']|'')*'|-?\d+)", t) for t in terms]
    if len(terms) > 1 and all(equals) and len({e.group(1) for e in equals}) == 1:
        return "%s IN (%s)" % (equals[0].group(1), ", ".join(sorted(e.group(2) for e in equals)))
    s = re.sub(r"\s*(=|<>|!=|<=|>=)\s*", r" \1 ", s)
    return re.sub(r"\b(is not null|is null)\b", lambda x: x.group(1).upper(), s, flags=re.I)


def balanced_after(text, start):
    """The text inside the parentheses that open at text[start]."""
    depth, in_str = 0, False
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "'":
            in_str = not in_str
        elif not in_str and ch == "(":
            depth += 1
        elif not in_str and ch == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
    raise ValueError("unbalanced parentheses in: " + text)


def strip_sql_comments(sql):
    return re.sub(r"--[^\n]*", "", sql)


# ---------------------------------------------------------------------------------------------
# The schema of each database, as {table: {...}} in one shape.

def sqlite_schema(conn, notes):
    schema = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    without_rowid = {t: bool(re.search(r"\bWITHOUT\s+ROWID\s*$", strip_sql_comments(sql).strip(), re.I))
                     for t, sql in conn.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'table'")}
    for t in tables:
        info = conn.execute("PRAGMA table_info(%s)" % t).fetchall()  # cid, name, type, notnull, dflt_value, pk
        pk = tuple(r[1] for r in sorted((r for r in info if r[5] > 0), key=lambda r: r[5]))
        rowid_alias = len(pk) == 1 and not without_rowid[t] and [r[2] for r in info if r[1] == pk[0]][0].upper() == "INTEGER"
        cols = {}
        for cid, name, typ, notnull, dflt, pkpos in info:
            nn = bool(notnull)
            if pkpos > 0 and not nn:
                if without_rowid[t] or rowid_alias:
                    nn = True  # SQLite enforces it: WITHOUT ROWID, or the rowid itself
                else:
                    # SQLite's legacy quirk: a PRIMARY KEY column of a rowid table that is not
                    # INTEGER PRIMARY KEY accepts NULL unless declared NOT NULL. PostgreSQL's never does.
                    notes.append("%s.%s: SQLite PRIMARY KEY without NOT NULL (accepts NULL in SQLite; NOT NULL in PostgreSQL)" % (t, name))
                    nn = True
            cols[name] = {
                "type": TYPE_MAP.get(typ.upper(), "?" + typ),
                "notnull": nn,
                "default": None if dflt is None else norm_expr(dflt),
                "identity": bool(rowid_alias and name == pk[0]),
            }
        unique, indexes = set(), {}
        for _, iname, uniq, origin, partial in conn.execute("PRAGMA index_list(%s)" % t).fetchall():
            icols = tuple(r[2] for r in conn.execute("PRAGMA index_info(%s)" % iname).fetchall())
            if origin == "pk":
                continue
            if origin == "u":
                unique.add(icols)
                continue
            pred = None
            if partial:
                sql = conn.execute("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", (iname,)).fetchone()[0]
                pred = norm_expr(re.search(r"\bWHERE\b(.*)$", strip_sql_comments(sql), re.S | re.I).group(1))
            indexes[iname] = {"unique": bool(uniq), "columns": icols, "where": pred}
        fks = {}
        for fid, seq, target, frm, to, on_update, on_delete, _ in conn.execute("PRAGMA foreign_key_list(%s)" % t).fetchall():
            fk = fks.setdefault(fid, {"from": [], "table": target, "to": [], "on_update": on_update, "on_delete": on_delete})
            fk["from"].append(frm)
            fk["to"].append(to)
        fkset = {(tuple(f["from"]), f["table"], tuple(f["to"]), f["on_update"], f["on_delete"]) for f in fks.values()}
        table_sql = strip_sql_comments(conn.execute("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (t,)).fetchone()[0])
        checks = set()
        for m in re.finditer(r"\bCHECK\s*\(", table_sql, re.I):
            checks.add(norm_expr(balanced_after(table_sql, m.end() - 1)))
        triggers = {}
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?", (t,)).fetchall():
            m = re.match(r"\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+(BEFORE|AFTER|INSTEAD\s+OF)?\s*"
                         r"(INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,]+?)?)\s+ON\s+\w+(?:\s+FOR\s+EACH\s+ROW)?(?:\s+WHEN\s+(.*?))?\s+BEGIN\b",
                         strip_sql_comments(sql), re.S | re.I)
            if not m:
                triggers[name] = ("unparsed", sql)
                continue
            event = re.sub(r"\s+", " ", m.group(2).strip()).upper().replace(" OF ", " OF ")
            ev, _, of = event.partition(" OF ")
            of_cols = tuple(sorted(c.strip().lower() for c in of.split(","))) if of else ()
            triggers[name] = ((m.group(1) or "BEFORE").upper(), ev, of_cols, "ROW", norm_expr(m.group(3)) if m.group(3) else None)
        schema[t] = {"columns": cols, "pk": pk, "unique": unique, "indexes": indexes, "fks": fkset, "checks": checks, "triggers": triggers}
    return schema


def pg_schema(pg, db):
    schema = {}
    for (t,) in pg.query(db, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"):
        schema[t] = {"columns": {}, "pk": (), "unique": set(), "indexes": {}, "fks": set(), "checks": set(), "triggers": {}}
    for t, name, typ, notnull, identity, dflt in pg.query(db, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity::text, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"""):
        schema[t]["columns"][name] = {"type": typ, "notnull": notnull, "default": None if dflt is None else norm_expr(dflt),
                                      "identity": identity in ("a", "d")}
    colnames = "(SELECT array_agg(a.attname ORDER BY k.o) FROM unnest(%s) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.n)"
    for t, ctype, cols, target, tcols, upd, dele, definition in pg.query(db, """
            SELECT c.relname, con.contype::text, %s AS cols, con.confrelid::regclass::text AS target, %s AS target_cols,
                   con.confupdtype::text, con.confdeltype::text, pg_get_constraintdef(con.oid) AS definition
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public'""" % (colnames % ("con.conkey", "con.conrelid"), colnames % ("con.confkey", "con.confrelid"))):
        if ctype == "p":
            schema[t]["pk"] = tuple(cols)
        elif ctype == "u":
            schema[t]["unique"].add(tuple(cols))
        elif ctype == "f":
            schema[t]["fks"].add((tuple(cols), target, tuple(tcols), PG_ACTIONS[upd], PG_ACTIONS[dele]))
        elif ctype == "c":
            schema[t]["checks"].add(norm_expr(re.sub(r"^CHECK\s*", "", definition)))
        else:
            schema[t].setdefault("other_constraints", set()).add(definition)
    for t, iname, uniq, pred, cols, backs_constraint in pg.query(db, """
            SELECT t.relname AS table_name, i.relname AS index_name, x.indisunique, pg_get_expr(x.indpred, x.indrelid) AS pred, %s AS cols,
                   EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.contype IN ('p', 'u')) AS backs_constraint
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'""" % (colnames % ("x.indkey::int2[]", "x.indrelid"))):
        if backs_constraint:
            continue  # the primary key and UNIQUE constraints are compared as such
        schema[t]["indexes"][iname] = {"unique": uniq, "columns": tuple(cols), "where": None if pred is None else norm_expr(pred)}
    for t, name, definition in pg.query(db, """
            SELECT c.relname, tg.tgname, pg_get_triggerdef(tg.oid) FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT tg.tgisinternal"""):
        m = re.match(r"CREATE (?:CONSTRAINT )?TRIGGER \w+ (BEFORE|AFTER|INSTEAD OF) (INSERT|DELETE|UPDATE(?: OF [\w, ]+?)?) ON \S+ "
                     r"FOR EACH (ROW|STATEMENT)(?: WHEN \((.*)\))? EXECUTE (?:FUNCTION|PROCEDURE) ", definition)
        if not m:
            schema[t]["triggers"][name] = ("unparsed", definition)
            continue
        ev, _, of = m.group(2).partition(" OF ")
        of_cols = tuple(sorted(c.strip().lower() for c in of.split(","))) if of else ()
        schema[t]["triggers"][name] = (m.group(1), ev, of_cols, m.group(3), norm_expr(m.group(4)) if m.group(4) else None)
    return schema


def compare_schemas(lite, pg):
    diffs = []
    for t in sorted(set(lite) - set(pg)):
        diffs.append("table %s: in SQLite only" % t)
    for t in sorted(set(pg) - set(lite)):
        diffs.append("table %s: in PostgreSQL only" % t)
    for t in sorted(set(lite) & set(pg)):
        a, b = lite[t], pg[t]
        for c in sorted(set(a["columns"]) - set(b["columns"])):
            diffs.append("%s.%s: column in SQLite only" % (t, c))
        for c in sorted(set(b["columns"]) - set(a["columns"])):
            diffs.append("%s.%s: column in PostgreSQL only" % (t, c))
        for c in sorted(set(a["columns"]) & set(b["columns"])):
            for k in ("type", "notnull", "default", "identity"):
                if a["columns"][c][k] != b["columns"][c][k]:
                    diffs.append("%s.%s: %s is %r in SQLite (mapped), %r in PostgreSQL" % (t, c, k, a["columns"][c][k], b["columns"][c][k]))
        if a["pk"] != b["pk"]:
            diffs.append("%s: primary key %r in SQLite, %r in PostgreSQL" % (t, a["pk"], b["pk"]))
        if a["unique"] != b["unique"]:
            diffs.append("%s: UNIQUE constraints %r in SQLite, %r in PostgreSQL" % (t, sorted(a["unique"]), sorted(b["unique"])))
        for i in sorted(set(a["indexes"]) | set(b["indexes"])):
            x, y = a["indexes"].get(i), b["indexes"].get(i)
            if x is None or y is None:
                diffs.append("%s: index %s only in %s" % (t, i, "PostgreSQL" if x is None else "SQLite"))
            elif x != y:
                diffs.append("%s: index %s is %r in SQLite, %r in PostgreSQL" % (t, i, x, y))
        for f in sorted(a["fks"] - b["fks"]):
            diffs.append("%s: foreign key %r in SQLite only" % (t, f))
        for f in sorted(b["fks"] - a["fks"]):
            diffs.append("%s: foreign key %r in PostgreSQL only" % (t, f))
        for c in sorted(a["checks"] - b["checks"]):
            diffs.append("%s: CHECK (%s) in SQLite only" % (t, c))
        for c in sorted(b["checks"] - a["checks"]):
            diffs.append("%s: CHECK (%s) in PostgreSQL only" % (t, c))
        for c in sorted(b.get("other_constraints", ())):
            diffs.append("%s: constraint %s in PostgreSQL only" % (t, c))
        if len(a["triggers"]) != len(b["triggers"]):
            diffs.append("%s: %d trigger(s) in SQLite, %d in PostgreSQL" % (t, len(a["triggers"]), len(b["triggers"])))
        for g in sorted(set(a["triggers"]) | set(b["triggers"])):
            x, y = a["triggers"].get(g), b["triggers"].get(g)
            if x is None or y is None:
                diffs.append("%s: trigger %s only in %s" % (t, g, "PostgreSQL" if x is None else "SQLite"))
            elif x != y:
                diffs.append("%s: trigger %s is %r in SQLite, %r in PostgreSQL" % (t, g, x, y))
    return diffs


# ---------------------------------------------------------------------------------------------
# The two databases behind one interface: migrate, run a statement, read a table.

class Pg:
    def __init__(self, host, port, user):
        # Unaligned, tuples only: a query's one value (json_agg) is the whole output.
        self.base = ["psql", "-X", "-q", "-A", "-t", "-h", host, "-p", str(port), "-U", user, "-v", "ON_ERROR_STOP=1"]

    def run(self, db, sql):
        p = subprocess.run(self.base + ["-d", db, "-c", sql], capture_output=True, text=True)
        return p.returncode == 0, p.stdout, p.stderr

    def query(self, db, sql):
        # Every column of `sql` needs a name of its own: the rows come back as JSON objects.
        ok, out, err = self.run(db, "SELECT coalesce(json_agg(q), '[]'::json) FROM (%s) AS q" % sql)
        if not ok:
            raise SetupError("PostgreSQL query failed: %s\n%s" % (err.strip(), sql))
        rows = json.loads(out)
        return [tuple(r.values()) for r in rows]


class SqliteSide:
    name = "SQLite"

    def __init__(self, path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys=ON")

    def migrate(self, files):
        # As migrate() in src/store/sqlite_db.cpp: foreign keys off around the migrations, each
        # migration in one transaction, foreign_key_check before it commits.
        self.conn.execute("PRAGMA foreign_keys=OFF")
        try:
            for version, name, path in files:
                with open(path) as f:
                    sql = f.read()
                try:
                    self.conn.executescript("BEGIN IMMEDIATE;\n" + sql + "\n;")
                    broken = self.conn.execute("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise sqlite3.IntegrityError("a row of %s refers to a missing %s" % (broken[0][0], broken[0][2]))
                    self.conn.execute("PRAGMA user_version=%d" % version)
                    self.conn.execute("COMMIT")
                except sqlite3.Error as e:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise SetupError("SQLite migration %s: %s" % (name, e))
        finally:
            self.conn.execute("PRAGMA foreign_keys=ON")

    def execute(self, sql):
        try:
            self.conn.execute(sql)
            return True, ""
        except sqlite3.Error as e:
            return False, str(e)

    def rows(self, table, cols):
        return [tuple(r) for r in self.conn.execute("SELECT %s FROM %s" % (", ".join(cols), table)).fetchall()]


class PgSide:
    name = "PostgreSQL"

    def __init__(self, pg, db):
        self.pg, self.db = pg, db

    def migrate(self, files):
        # As migrate_postgresql() in src/store/pg_migrate.cpp: each file in one transaction, sent whole.
        for version, name, path in files:
            with open(path) as f:
                sql = f.read()
            ok, _, err = self.pg.run(self.db, "BEGIN;\n" + sql + "\n;\nCOMMIT;")
            if not ok:
                raise SetupError("PostgreSQL migration %s: %s" % (name, err.strip()))

    def execute(self, sql):
        ok, _, err = self.pg.run(self.db, sql)
        if ok:
            return True, ""
        m = re.search(r"ERROR:\s+(.*)", err)
        return False, m.group(1).strip() if m else err.strip()

    def rows(self, table, cols):
        return self.pg.query(self.db, "SELECT %s FROM %s" % (", ".join(cols), table))


def sort_rows(rows):
    return sorted(rows, key=lambda r: [(v is not None, type(v).__name__, str(v)) for v in r])


def compare_rows(case, stage, lite, pgside, schema):
    diffs = []
    for t in sorted(schema):
        cols = sorted(schema[t]["columns"])
        a, b = sort_rows(lite.rows(t, cols)), sort_rows(pgside.rows(t, cols))
        if a != b:
            diffs.append("%s, %s: table %s differs (columns %s)\n    SQLite:     %s\n    PostgreSQL: %s"
                         % (case, stage, t, ", ".join(cols), "\n                ".join(map(repr, a)) or "(no rows)",
                            "\n                ".join(map(repr, b)) or "(no rows)"))
    return diffs


def run_statements(case, stage, statements, sides):
    diffs = []
    for sql, expect in statements:
        results = [side.execute(sql) for side in sides]
        for side, (ok, msg) in zip(sides, results):
            if expect == "ok" and not ok:
                diffs.append("%s, %s: %s failed on %s: %s\n    %s" % (case, stage, "statement", side.name, msg, sql))
            elif expect.startswith("error") and ok:
                diffs.append("%s, %s: statement succeeded on %s, expected %s\n    %s" % (case, stage, side.name, expect, sql))
            elif expect.startswith("error:") and not ok and msg != expect[len("error:"):]:
                diffs.append("%s, %s: %s said %r, expected %r\n    %s" % (case, stage, side.name, msg, expect[len("error:"):], sql))
    return diffs


# ---------------------------------------------------------------------------------------------
# The statements: plain SQL both databases take as it is.

T = 1_700_000_000_000  # milliseconds: beyond int4, as real times are


def staff(sid, role, expect="ok"):
    return ("INSERT INTO staff (id, display_name, role, created_at) VALUES ('%s', 'Name of %s', '%s', %d)" % (sid, sid, role, T), expect)


def conversation(cid, area=None, at=T, status="active", reference=None, expect="ok", channel="web"):
    q = lambda v: "NULL" if v is None else "'%s'" % v
    return ("INSERT INTO conversations (id, dialog_id, dialog_version, channel, started_at, updated_at, status, area, state%s) "
            "VALUES ('%s', 'triage', 'v1hash', '%s', %d, %d, '%s', %s, '{}'%s)"
            % (", reference" if reference else "", cid, channel, at, at, status, q(area), ", '%s'" % reference if reference else ""), expect)


def conversation_old(cid, area=None, at=T):  # before 009: no reference column
    q = "NULL" if area is None else "'%s'" % area
    return ("INSERT INTO conversations (id, dialog_id, dialog_version, channel, started_at, updated_at, status, area, state) "
            "VALUES ('%s', 'triage', 'v1hash', 'web', %d, %d, 'active', %s, '{}')" % (cid, at, at, q), "ok")


def handoff(ref, cid, status, area, at, expect="ok", accepted_by=None, accepted_at=None, extra_cols="", extra_vals=""):
    q = lambda v: "NULL" if v is None else ("'%s'" % v if isinstance(v, str) else str(v))
    return ("INSERT INTO handoffs (reference, conversation_id, status, route, queue, area, urgent, item, requested_at, deadline_at, "
            "accepted_by, accepted_at, updated_at%s) VALUES ('%s', '%s', '%s', 'hub', '%s', %s, 0, '{}', %d, %d, %s, %s, %d%s)"
            % (extra_cols, ref, cid, status, area or "any", q(area), at, at + 120000, q(accepted_by), q(accepted_at), at, extra_vals), expect)


def update_conversation(cid, at, area=None, work_area=None, extra=""):
    # The server's form (sqlite_conversation_log.cpp): area and work_area are always in the SET list.
    q = lambda v: "NULL" if v is None else "'%s'" % v
    return ("UPDATE conversations SET state = '{}', area = COALESCE(%s, area), updated_at = %d, revision = revision + 1, "
            "work_area = COALESCE(%s, work_area)%s WHERE id = '%s'" % (q(area), at, q(work_area), extra, cid), "ok")


def change_handoff(ref, at, status=None, accepted_by=None):
    # The server's form: accepted_by is always in the SET list, so the trigger runs on every change.
    q = lambda v: "NULL" if v is None else "'%s'" % v
    return ("UPDATE handoffs SET status = COALESCE(%s, status), accepted_at = CASE WHEN %s = 'accepted' THEN %d ELSE accepted_at END, "
            "accepted_by = COALESCE(%s, accepted_by), ended_at = CASE WHEN %s IN ('ended', 'cancelled') THEN %d ELSE ended_at END, "
            "updated_at = %d WHERE reference = '%s'" % (q(status), q(status), at, q(accepted_by), q(status), at, at, ref), "ok")


FRESH = [
    staff("a.khan", "hub:east"), staff("b.west", "hub:west"), staff("c.south", "hub:south"),
    staff("m.leeds", "leeds-wide"), staff("root", "admin"), staff("x.bad", "hub:north", "error"),
    ("INSERT INTO staff_tokens (token_hash, staff_id, created_at, expires_at) VALUES ('h1', 'a.khan', %d, %d)" % (T, T + 1), "ok"),
    ("INSERT INTO staff_tokens (token_hash, staff_id, created_at, expires_at) VALUES ('h2', 'ghost', %d, %d)" % (T, T + 1), "error"),
    # conversation_hubs_area_new: a conversation started with an area.
    conversation("c1"), conversation("c2", area="east", reference="EH-0002"), conversation("c3", area="north"),
    conversation("c4", status="bogus", expect="error"), conversation("c5", reference="EH-0002", expect="error"),
    conversation("c6"), conversation("c7"), conversation("c8", reference="EH-0008"), conversation("c8b", reference=None),
    # conversation_hubs_area: the first time for a hub counts; a later hub adds a row.
    update_conversation("c1", T + 10, area="west"), update_conversation("c1", T + 20, area="west"),
    update_conversation("c1", T + 30, area="south"),
    # conversation_hubs_work_area: only east/west/south.
    update_conversation("c3", T + 40, work_area="south"), update_conversation("c1", T + 50, work_area="unsaid"),
    # UPDATE OF area: a statement that does not name area does not run it; one that does, does.
    ("DELETE FROM conversation_hubs WHERE conversation_id = 'c2'", "ok"),
    ("UPDATE conversations SET status = 'completed', updated_at = %d WHERE id = 'c2'" % (T + 60), "ok"),
    ("UPDATE conversations SET area = area, updated_at = %d WHERE id = 'c2'" % (T + 70), "ok"),
    ("UPDATE conversations SET area = 'west', updated_at = %d WHERE id IN ('c6', 'c7')" % (T + 80), "ok"),
    ("UPDATE conversations SET area = NULL, work_area = NULL, updated_at = %d WHERE id = 'c8'" % (T + 85), "ok"),
    ("UPDATE conversations SET work_area = 'west', updated_at = %d WHERE id IN ('c6', 'c7', 'c8')" % (T + 90), "ok"),
    # conversation_hubs_call_taker: a hub member adds the hub; leeds-wide and admin do not.
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('c1', 'a.khan', %d)" % (T + 100), "ok"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('c3', 'm.leeds', %d)" % (T + 110), "ok"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('c6', 'root', %d)" % (T + 120), "ok"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('c7', 'ghost', %d)" % (T + 130), "error"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('nope', 'a.khan', %d)" % (T + 130), "error"),
    ("UPDATE phone_calls SET wrapped_up_at = %d, wrap_up_code = 'advice', outcome_confirmed = 1, caller_role = 'school', "
     "callback_promised = 0 WHERE conversation_id = 'c1'" % (T + 140), "ok"),
    # conversation_hubs_handoff, and one open handoff per conversation.
    handoff("h1", "c1", "requested", "east", T + 200), handoff("h1b", "c1", "requested", "east", T + 201, expect="error"),
    change_handoff("h1", T + 210, status="accepted", accepted_by="b.west"),
    change_handoff("h1", T + 220, status="ended"),  # runs the trigger again: the first time stays
    handoff("h2", "c1", "requested", None, T + 230),
    change_handoff("h2", T + 240, status="accepted", accepted_by="sms:peer-1"),
    handoff("h3", "c3", "expired", "west", T + 250, extra_cols=", closed_reason", extra_vals=", 'the chat link lapsed'"),
    handoff("h3b", "c3", "bogus", "west", T + 251, expect="error"),
    handoff("h4", "c6", "requested", "south", T + 260),
    ("UPDATE handoffs SET accepted_by = 'c.south', updated_at = %d WHERE reference = 'h4'" % (T + 300), "ok"),  # accepted_at NULL
    ("DELETE FROM conversation_hubs WHERE conversation_id = 'c6' AND why = 'handoff'", "ok"),
    ("UPDATE handoffs SET urgent = 1, updated_at = %d WHERE reference = 'h4'" % (T + 310), "ok"),  # accepted_by not named
    ("UPDATE handoffs SET accepted_by = accepted_by, updated_at = %d WHERE reference = 'h4'" % (T + 320), "ok"),
    ("UPDATE handoffs SET accepted_by = NULL, updated_at = %d WHERE reference = 'h4'" % (T + 330), "ok"),
    # Reviews, notes and the audit log.
    ("INSERT INTO reviews (conversation_id, state, updated_at, updated_by) VALUES ('c1', 'new', %d, 'a.khan')" % T, "ok"),
    ("INSERT INTO reviews (conversation_id, state, updated_at, updated_by) VALUES ('c2', 'lost', %d, 'a.khan')" % T, "error"),
    ("INSERT INTO review_notes (conversation_id, at, author, state, note) VALUES ('c1', %d, 'a.khan', 'new', 'first')" % T, "ok"),
    ("INSERT INTO review_notes (conversation_id, at, author, state, note) VALUES ('c1', %d, 'a.khan', 'reviewed', 'second')" % (T + 1), "ok"),
    ("UPDATE review_notes SET note = 'changed' WHERE id = 1", "error:review notes are never changed"),
    ("UPDATE review_notes SET note = 'changed' WHERE id = 999", "ok"),  # no row, so no trigger
    ("INSERT INTO audit (id, at, actor, action, target, address, prev_hash, hash) VALUES (1, %d, 'a.khan', 'read', '[\"c1\"]', '127.0.0.1', '', 'aa')" % T, "ok"),
    ("INSERT INTO audit (id, at, actor, action, target, address, prev_hash, hash) VALUES (2, %d, 'a.khan', 'export', '{}', '127.0.0.1', 'aa', 'bb')" % T, "ok"),
    ("UPDATE audit SET actor = 'someone' WHERE id = 2", "error:the audit log is append-only"),
    # The outbox, connectors, voice calls, safety alerts, turns, dialog versions, health.
    ("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
     "VALUES ('e1', 'sms', 'c1', 'h1', 'requested', '{}', %d, %d, %d)" % (T, T, T), "ok"),
    ("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
     "VALUES ('e1', 'sms', 'c1', 'h1', 'message', '{}', %d, %d, %d)" % (T, T, T), "error"),
    ("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
     "VALUES ('e2', 'sms', 'c1', 'h1', 'shouted', '{}', %d, %d, %d)" % (T, T, T), "error"),
    ("UPDATE outbox SET claimed_by = 'host-1:42', attempts = attempts + 1 WHERE event_id = 'e1'", "ok"),
    ("UPDATE outbox SET status = 'lost' WHERE event_id = 'e1'", "error"),
    ("INSERT INTO connector_state (name, disabled_at, reason) VALUES ('sms', %d, 'HTTP 410')" % T, "ok"),
    ("INSERT INTO connector_callbacks (connector, callback_id, received_at) VALUES ('sms', 'cb1', %d)" % T, "ok"),
    ("INSERT INTO connector_callbacks (connector, callback_id, received_at) VALUES ('sms', 'cb1', %d)" % T, "error"),
    ("INSERT INTO voice_calls (call_sid, conversation_id, created_at, updated_at) VALUES ('CA1', 'c7', %d, %d)" % (T, T), "ok"),
    ("INSERT INTO voice_calls (call_sid, conversation_id, created_at, updated_at) VALUES ('CA2', 'c7', %d, %d)" % (T, T), "error"),
    ("INSERT INTO safety_alerts (conversation_id, at, node, source, level, category, label, words, rule_line) "
     "VALUES ('c7', %d, 'n1', 'answer', 'significant_harm', 'neglect', 'Neglect', '[\"hungry\"]', 12)" % T, "ok"),
    ("INSERT INTO safety_alerts (conversation_id, at, source, level, category, label) VALUES ('c7', %d, 'answer', 'mild', 'x', 'X')" % T, "error"),
    ("INSERT INTO turns (conversation_id, seq, at, node, direction, message) VALUES ('c1', 1, %d, 'start', 'in', '{}')" % T, "ok"),
    ("INSERT INTO turns (conversation_id, seq, at, node, direction, message) VALUES ('c1', 1, %d, 'start', 'out', '[]')" % T, "error"),
    ("INSERT INTO turns (conversation_id, seq, at, node, direction, message) VALUES ('c1', 2, %d, 'start', 'sideways', '[]')" % T, "error"),
    ("INSERT INTO turns (conversation_id, seq, at, node, direction, message) VALUES ('nope', 1, %d, 'start', 'in', '[]')" % T, "error"),
    ("INSERT INTO dialog_versions (dialog_id, version, declared, source_text, first_served) VALUES ('triage', 'v1hash', '1.0', 'text', %d)" % T, "ok"),
    ("INSERT INTO dialog_versions (dialog_id, version, declared, source_text, first_served) VALUES ('triage', 'v1hash', '1.1', 'text', %d)" % T, "error"),
    ("INSERT INTO health (id, checked_at) VALUES (1, %d)" % T, "ok"),
    ("INSERT INTO health (id, checked_at) VALUES (2, %d)" % T, "error"),
    ("UPDATE health SET checked_at = %d WHERE id = 1" % (T + 5), "ok"),
    # Deleting a conversation takes its calls, alerts and hub rows (ON DELETE CASCADE); one with
    # turns or handoffs cannot be deleted before them.
    conversation("c9", area="east", channel="phone"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('c9', 'b.west', %d)" % (T + 400), "ok"),
    ("INSERT INTO voice_calls (call_sid, conversation_id, created_at, updated_at) VALUES ('CA9', 'c9', %d, %d)" % (T, T), "ok"),
    ("INSERT INTO safety_alerts (conversation_id, at, source, level, category, label) VALUES ('c9', %d, 'answer', 'immediate_danger', 'x', 'X')" % T, "ok"),
    ("DELETE FROM conversations WHERE id = 'c9'", "ok"),
    ("DELETE FROM conversations WHERE id = 'c1'", "error"),
    ("DELETE FROM staff WHERE id = 'a.khan'", "error"),
]

# Rows written after 009, before the hubs (010), the caller (011), the handoffs rebuild (012)
# and the outbox claims (013).
AFTER_009 = [
    staff("a.khan", "hub:east"), staff("b.west", "hub:west"), staff("c.south", "hub:south"), staff("root", "admin"),
    staff("m.leeds", "leeds-wide", "error"),  # not a role before 010
    conversation("u1", area="east", at=T + 1, reference="EH-U1"), conversation("u2", area="west", at=T + 2),
    conversation("u3", at=T + 3), conversation("u4", area="south", at=T + 4), conversation("u5", area="elsewhere", at=T + 5),
    ("UPDATE conversations SET area = 'east', updated_at = %d WHERE id = 'u4'" % (T + 6), "ok"),  # only the area it has now is backfilled
    # u3: two handoffs in the south, the older one accepted last (and written to last, so that
    # PostgreSQL stores it after the newer one): the backfills keep the first in insertion order.
    handoff("hA", "u3", "unavailable", "south", T + 10),
    handoff("hB", "u3", "requested", "south", T + 30),
    change_handoff("hB", T + 40, status="accepted", accepted_by="c.south"),
    change_handoff("hB", T + 50, status="ended"),
    change_handoff("hA", T + 60, status="accepted", accepted_by="c.south"),
    change_handoff("hA", T + 70, status="ended"),
    # u4: an east handoff older than the conversation's area update (the conversation's row comes first).
    handoff("hC", "u4", "cancelled", "east", T + 5),
    # u2: a handoff accepted by a connector, and one by an admin: neither adds a hub.
    handoff("hD", "u2", "ended", "west", T + 80, accepted_by="sms:peer", accepted_at=T + 81),
    handoff("hE", "u2", "requested", None, T + 90),
    change_handoff("hE", T + 95, status="accepted", accepted_by="root"),
    handoff("hF", "u5", "requested", None, T + 96),
    ("UPDATE handoffs SET accepted_by = 'b.west', updated_at = %d WHERE reference = 'hF'" % (T + 97), "ok"),  # accepted_at NULL
    handoff("hG", "u5", "expired", None, T + 98, expect="error"),  # not a status before 012
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at, wrapped_up_at, wrap_up_code, outcome_confirmed) "
     "VALUES ('u2', 'b.west', %d, %d, 'advice', 1)" % (T + 100, T + 200), "ok"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('u1', 'root', %d)" % (T + 110), "ok"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES ('u3', 'a.khan', %d)" % (T + 120), "ok"),
    ("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
     "VALUES ('e1', 'sms', 'u2', 'hD', 'requested', '{}', %d, %d, %d)" % (T, T, T), "ok"),
    ("INSERT INTO review_notes (conversation_id, at, author, state, note) VALUES ('u1', %d, 'a.khan', 'new', 'n')" % T, "ok"),
    ("INSERT INTO audit (id, at, actor, action, target, address, prev_hash, hash) VALUES (1, %d, 'a.khan', 'read', '[]', '::1', '', 'aa')" % T, "ok"),
]

# After 013, on the upgraded database.
AFTER_UPGRADE_FROM_009 = [
    staff("m.leeds", "leeds-wide"),
    change_handoff("hA", T + 500),  # the handoff trigger again, after 012's rebuild: no new row
    handoff("hH", "u1", "requested", "west", T + 510),
    change_handoff("hH", T + 520, status="accepted", accepted_by="b.west"),
    handoff("hI", "u5", "expired", None, T + 530, extra_cols=", closed_reason", extra_vals=", 'gone'"),
    handoff("hJ", "u1", "requested", None, T + 540, expect="error"),  # hH is open: the partial unique index survived 012
    update_conversation("u3", T + 550, work_area="east"),
    update_conversation("u5", T + 560, area="south"),
    ("INSERT INTO phone_calls (conversation_id, staff_id, started_at, caller_role, callback_promised) VALUES ('u4', 'c.south', %d, 'gp', 1)" % (T + 570), "ok"),
    ("UPDATE outbox SET claimed_by = 'host:1' WHERE event_id = 'e1'", "ok"),
    ("UPDATE review_notes SET note = 'x'", "error:review notes are never changed"),
]

# Rows written after 001 only.
AFTER_001 = [
    conversation_old("x1", area="west", at=T + 1), conversation_old("x2", at=T + 2), conversation_old("x3", area="nowhere", at=T + 3),
    ("INSERT INTO turns (conversation_id, seq, at, node, direction, message) VALUES ('x1', 1, %d, 'start', 'in', '{}')" % T, "ok"),
    ("INSERT INTO dialog_versions (dialog_id, version, declared, source_text, first_served) VALUES ('triage', 'v1hash', '1.0', 'text', %d)" % T, "ok"),
    ("INSERT INTO health (id, checked_at) VALUES (1, %d)" % T, "ok"),
]
AFTER_UPGRADE_FROM_001 = [
    update_conversation("x2", T + 10, area="east", extra=", legal_hold = 1"),
    ("UPDATE conversations SET reference = 'EH-X2' WHERE id = 'x2'", "ok"),
]

CASES = [
    # name, database suffix, migrations applied before `pre`, pre, post
    ("fresh", "", None, [], FRESH),
    ("upgrade-after-009", "_after009", 9, AFTER_009, AFTER_UPGRADE_FROM_009),
    ("upgrade-after-001", "_after001", 1, AFTER_001, AFTER_UPGRADE_FROM_001),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pg-port", type=int, default=5432)
    ap.add_argument("--pg-user", default="rightconv")
    ap.add_argument("--pg-host", default="127.0.0.1")
    ap.add_argument("--pg-migrations", default=PG_DIR, help="the PostgreSQL migrations to check (default: %(default)s)")
    args = ap.parse_args()
    if not shutil.which("psql"):
        print("compare-schemas: psql is not on PATH", file=sys.stderr)
        return 2

    lite_files, pg_files = migration_files(SQLITE_DIR), migration_files(args.pg_migrations)
    diffs, notes = [], []
    lite_names, pg_names = [f[1] for f in lite_files], [f[1] for f in pg_files]
    for n in sorted(set(lite_names) - set(pg_names)):
        diffs.append("migration %s: no PostgreSQL file" % n)
    for n in sorted(set(pg_names) - set(lite_names)):
        diffs.append("migration postgresql/%s: no SQLite file" % n)
    print("migrations: %d SQLite, %d PostgreSQL" % (len(lite_files), len(pg_files)))

    pg = Pg(args.pg_host, args.pg_port, args.pg_user)
    base_db = "schema_check_%d" % os.getpid()
    created = []
    tmp = tempfile.mkdtemp(prefix="compare-schemas-")
    try:
        for case, suffix, stop, pre, post in CASES:
            db = base_db + suffix
            before = len(diffs)
            ok, _, err = pg.run("postgres", "CREATE DATABASE %s" % db)
            if not ok:
                raise SetupError("cannot create database %s: %s" % (db, err.strip()))
            created.append(db)
            lite = SqliteSide(os.path.join(tmp, db + ".sqlite"))
            pgside = PgSide(pg, db)
            sides = [lite, pgside]
            if stop is not None:
                for side in sides:
                    side.migrate([f for f in (lite_files if side is lite else pg_files) if f[0] <= stop])
                diffs += run_statements(case, "rows written after %03d" % stop, pre, sides)
            for side in sides:
                side.migrate([f for f in (lite_files if side is lite else pg_files) if stop is None or f[0] > stop])
            lite_schema, pg_schema_ = sqlite_schema(lite.conn, notes if case == "fresh" else []), pg_schema(pg, db)
            if case == "fresh":
                schema_diffs = compare_schemas(lite_schema, pg_schema_)
                diffs += schema_diffs
                before = len(diffs)  # the data counts below are the data's own
                print("schema: %d tables, %d columns, %d indexes, %d foreign keys, %d CHECKs, %d triggers compared: %d difference(s)"
                      % (len(lite_schema), sum(len(t["columns"]) for t in lite_schema.values()),
                         sum(len(t["indexes"]) + len(t["unique"]) for t in lite_schema.values()),
                         sum(len(t["fks"]) for t in lite_schema.values()), sum(len(t["checks"]) for t in lite_schema.values()),
                         sum(len(t["triggers"]) for t in lite_schema.values()), len(schema_diffs)))
            common = {t: lite_schema[t] for t in lite_schema if t in pg_schema_}
            if stop is not None:
                diffs += compare_rows(case, "after upgrading to %03d" % lite_files[-1][0], lite, pgside, common)
            diffs += run_statements(case, "writes", post, sides)
            diffs += compare_rows(case, "after the writes", lite, pgside, common)
            rows = sum(len(lite.rows(t, ["1"])) for t in common)
            print("data case %s: %d statements, %d rows in %d tables compared: %d difference(s)"
                  % (case, len(pre) + len(post), rows, len(common), len(diffs) - before))
            lite.conn.close()
    except SetupError as e:
        failed = str(e)
    else:
        failed = None
    finally:
        for db in created:
            pg.run("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
        shutil.rmtree(tmp, ignore_errors=True)

    for n in notes:
        print("note: " + n)
    if failed:
        print("\nthe check could not run: " + failed)
        return 2
    if diffs:
        print("\n%d difference(s):" % len(diffs))
        for d in diffs:
            print("- " + d)
        return 1
    print("no differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
