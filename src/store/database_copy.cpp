// See database_copy.hpp.
#include "database_copy.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace rc::store {

namespace {

constexpr const char* kNull = "\x01NULL";  // a value no text column holds

std::uint64_t row_hash(const std::vector<std::optional<std::string>>& values) {
  std::string text;
  for (const auto& v : values) {
    text += v ? *v : kNull;
    text += '\x1f';
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | md[i];
  return h;
}

// Order-independent: the two sides need not return rows in the same order.
struct Digest {
  std::int64_t rows = 0;
  std::uint64_t sum = 0, xored = 0;
  void add(const std::vector<std::optional<std::string>>& values) {
    const auto h = row_hash(values);
    ++rows;
    sum += h;
    xored ^= h * 0x9E3779B97F4A7C15ull;
  }
  std::string hex() const {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(sum), static_cast<unsigned long long>(xored));
    return buf;
  }
};

std::vector<std::string> columns_of(SqliteDb& db, const std::string& table) {
  Query q(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  q.bind(1, table);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string column_list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + quoted(c);
  return out;
}

// The rows of one table, read through `each`, in batches into PostgreSQL.
Digest copy_rows(SqliteDb& from, PgDb& to, const std::string& table, const std::vector<std::string>& columns) {
  Digest digest;
  Query q(from, "SELECT " + column_list(columns) + " FROM " + quoted(table));
  const std::size_t per_batch = std::max<std::size_t>(1, 4000 / columns.size());
  std::vector<std::optional<std::string>> params;
  std::size_t in_batch = 0;
  auto flush = [&] {
    if (in_batch == 0) return;
    std::string sql = "INSERT INTO " + quoted(table) + " (" + column_list(columns) + ") OVERRIDING SYSTEM VALUE VALUES ";
    int n = 0;
    for (std::size_t r = 0; r < in_batch; ++r) {
      sql += r ? ", (" : "(";
      for (std::size_t c = 0; c < columns.size(); ++c) sql += (c ? ", $" : "$") + std::to_string(++n);
      sql += ")";
    }
    to.query(sql, params);
    params.clear();
    in_batch = 0;
  };
  while (q.step()) {
    std::vector<std::optional<std::string>> row;
    for (int c = 0; c < static_cast<int>(columns.size()); ++c) row.push_back(q.is_null(c) ? std::nullopt : std::optional<std::string>(q.text(c)));
    digest.add(row);
    params.insert(params.end(), row.begin(), row.end());
    if (++in_batch == per_batch) flush();
  }
  flush();
  return digest;
}

Digest digest_of(PgDb& db, const std::string& table, const std::vector<std::string>& columns) {
  Digest digest;
  auto rows = db.query("SELECT " + column_list(columns) + " FROM " + quoted(table));
  for (int r = 0; r < rows.size(); ++r) {
    std::vector<std::optional<std::string>> row;
    for (int c = 0; c < rows.columns(); ++c) row.push_back(rows.is_null(r, c) ? std::nullopt : std::optional<std::string>(rows.text(r, c)));
    digest.add(row);
  }
  return digest;
}

// Identity columns continue after the copied ids.
void advance_identities(PgDb& db, const std::string& table) {
  auto ids = db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND is_identity = 'YES'",
                      {table});
  for (int i = 0; i < ids.size(); ++i) {
    const std::string column = ids.text(i, 0);
    db.query("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(" + quoted(column) + ") FROM " + quoted(table) + "), 1), "
             "(SELECT MAX(" + quoted(column) + ") FROM " + quoted(table) + ") IS NOT NULL)",
             {quoted(table), column});
  }
}

void rollback_quietly(PgDb& db) {
  try {
    db.exec("ROLLBACK");
  } catch (const PgError&) {
  }
}

}  // namespace

std::vector<std::string> tables_in_dependency_order(SqliteDb& db) {
  std::vector<std::string> names;
  {
    Query q(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    while (q.step()) names.push_back(q.text(0));
  }
  std::map<std::string, std::set<std::string>> needs;
  for (const auto& t : names) {
    Query fk(db, "SELECT \"table\" FROM pragma_foreign_key_list(?1)");
    fk.bind(1, t);
    while (fk.step())
      if (fk.text(0) != t) needs[t].insert(fk.text(0));
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  std::function<void(const std::string&)> place = [&](const std::string& t) {
    if (!placed.insert(t).second) return;
    for (const auto& n : needs[t]) place(n);
    order.push_back(t);
  };
  for (const auto& t : names) place(t);
  return order;
}

Result<std::vector<TableCopied>> copy_to_postgresql(SqliteDb& from, PgDb& to) {
  const auto tables = tables_in_dependency_order(from);
  std::vector<TableCopied> copied;
  auto abandon = [&] {
    rollback_quietly(to);
    from.rollback_if_open();
  };
  try {
    // A read transaction on SQLite: the rows do not change under the copy. On PostgreSQL every
    // table is locked before it is found empty, so two copies cannot both find it so.
    from.exec("BEGIN");
    to.exec("BEGIN");
    for (const auto& t : tables) {
      auto present = to.query("SELECT to_regclass($1) IS NOT NULL", {"public." + quoted(t)});
      if (present.text(0, 0) != "t") {
        abandon();
        return make_error("the PostgreSQL database has no table " + t + ": run rightconv migrate on both first");
      }
      to.exec("LOCK TABLE " + quoted(t) + " IN EXCLUSIVE MODE");
      auto any = to.query("SELECT EXISTS (SELECT 1 FROM " + quoted(t) + ")");
      if (any.text(0, 0) == "t") {
        abandon();
        return make_error("the PostgreSQL database already holds rows in " + t + ": copy only into a database that holds none");
      }
    }
    for (const auto& t : tables) to.exec("ALTER TABLE " + quoted(t) + " DISABLE TRIGGER USER");
    for (const auto& t : tables) {
      const auto columns = columns_of(from, t);
      const Digest sent = copy_rows(from, to, t, columns);
      const Digest landed = digest_of(to, t, columns);
      if (sent.rows != landed.rows || sent.hex() != landed.hex()) {
        abandon();
        return make_error("table " + t + ": " + std::to_string(sent.rows) + " row(s) read but " + std::to_string(landed.rows) +
                          " landed, or their values differ; nothing was copied");
      }
      copied.push_back({t, sent.rows, sent.hex()});
    }
    // Sequences are not transactional: moved only once every table is known good.
    for (const auto& t : tables) advance_identities(to, t);
    for (const auto& t : tables) to.exec("ALTER TABLE " + quoted(t) + " ENABLE TRIGGER USER");
    to.exec("COMMIT");
    from.rollback_if_open();
  } catch (const std::exception& e) {  // PgError or SqliteError: nothing was committed
    abandon();
    return make_error(std::string("copy stopped, nothing was copied: ") + e.what());
  }
  return copied;
}

}  // namespace rc::store
