// What the store's SQL runs on, whichever database holds it: SQLite (sqlite_db.hpp, the
// default) or PostgreSQL (pg_db.hpp). Statements are written once, with numbered parameters
// (?1, ?2...), and read back as text or integers; where the two dialects differ a store file
// asks dialect(). Failures of a statement are exceptions (SqliteError, PgError) that the
// group-commit writer turns into values.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace rc::store {

enum class Dialect { sqlite, postgresql };

// A statement failed, in either database (SqliteError, PgError): callers that only need to
// know the database let them down catch this.
struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Statement {
 public:
  virtual ~Statement() = default;
  virtual Statement& bind(int index, const std::string& value) = 0;
  virtual Statement& bind(int index, std::int64_t value) = 0;
  // Binds text without a copy where the database allows it: `value` must outlive the next
  // run() or reset() (a failed step clears the bindings; after a failed bind, callers bind every
  // parameter again before any step). For the large texts of the turn path (frames, the state).
  virtual Statement& bind_borrowed(int index, const std::string& value) { return bind(index, value); }
  // NULL of either kind: PostgreSQL needs to know which a parameter is, even when it is NULL.
  virtual Statement& bind_null_text(int index) = 0;
  virtual Statement& bind_null_integer(int index) = 0;
  Statement& bind(int index, std::nullptr_t) { return bind_null_text(index); }
  Statement& bind_optional(int index, const std::optional<std::string>& v) { return v ? bind(index, *v) : bind_null_text(index); }
  Statement& bind_optional(int index, const std::optional<std::int64_t>& v) { return v ? bind(index, *v) : bind_null_integer(index); }
  virtual bool step() = 0;  // true while there is a row
  void run() {              // steps to completion and resets
    while (step()) {
    }
    reset();
  }
  virtual void reset() = 0;
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual bool is_null(int column) const = 0;
  virtual int column_count() const = 0;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual void exec(const std::string& sql) = 0;
  virtual Statement& prepared(const std::string& sql) = 0;                  // made on first use, then reused
  virtual std::unique_ptr<Statement> statement(const std::string& sql) = 0;  // used once (SQL built at run time)
  virtual std::int64_t changes() const = 0;                                 // rows the last statement changed
  virtual Dialect dialect() const = 0;
  // A write transaction: SQLite takes its write lock at once (BEGIN IMMEDIATE), so a batch never
  // fails half-way for want of it.
  void begin_write() {
    written_once_.forget_pending();
    open_write();
  }
  void commit() {
    commit_write();
    written_once_.keep_pending();
  }
  // Rolls back what is still open: the database may already have (SQLite on a full disk; a
  // PostgreSQL connection that broke).
  void rollback_if_open() noexcept {
    written_once_.forget_pending();
    roll_back_open();
  }
  // False when the connection can no longer be used (PostgreSQL: the server went away).
  virtual bool usable() const { return true; }

  // Rows a writer needs to write only once through this connection (the frame templates, by id):
  // known once the transaction that wrote them commits, forgotten if it rolls back. A connection
  // opened again (a replaced file, another PostgreSQL server) starts knowing none.
  class WrittenOnce {
   public:
    bool has(const std::string& key) const { return committed_.contains(key) || std::find(pending_.begin(), pending_.end(), key) != pending_.end(); }
    void add(const std::string& key) { pending_.push_back(key); }
    // After the commit: never throws (commit() must not report a committed transaction as
    // failed); if memory runs out the keys are forgotten, which only costs writing them again.
    void keep_pending() noexcept {
      try {
        for (auto& key : pending_) committed_.insert(std::move(key));
      } catch (...) {
        committed_.clear();
      }
      pending_.clear();
    }
    void forget_pending() noexcept { pending_.clear(); }
    // A write failed for a reason other than a refusal: the database may not be the one these
    // were committed to (a standby behind a pooler), so all are written again.
    void forget_all() noexcept {
      pending_.clear();
      committed_.clear();
    }

   private:
    std::unordered_set<std::string> committed_;
    std::vector<std::string> pending_;
  };
  WrittenOnce& written_once() { return written_once_; }

 protected:
  virtual void open_write() = 0;
  virtual void commit_write() = 0;
  virtual void roll_back_open() noexcept = 0;

 private:
  WrittenOnce written_once_;
};

// The few words the two dialects spell differently.
inline const char* sql_least(const Db& db) { return db.dialect() == Dialect::postgresql ? "LEAST" : "MIN"; }  // of two values
inline const char* sql_greatest(const Db& db) { return db.dialect() == Dialect::postgresql ? "GREATEST" : "MAX"; }
// The text at `key` of the JSON object in `column` (NULL when absent or not an object).
inline std::string sql_json_text(const Db& db, const std::string& column, const std::string& key) {
  return db.dialect() == Dialect::postgresql ? "(" + column + "::jsonb ->> '" + key + "')" : "json_extract(" + column + ", '$." + key + "')";
}
// Where `needle` starts in `haystack`, from 1; 0 when it is not there.
inline const char* sql_position(const Db& db) { return db.dialect() == Dialect::postgresql ? "strpos" : "instr"; }

// A statement used once, by value: `Query q(db, "SELECT ..."); q.bind(1, id); while (q.step()) ...`.
class Query {
 public:
  Query(Db& db, const std::string& sql) : s_(db.statement(sql)) {}
  Statement* operator->() { return s_.get(); }
  Statement& operator*() { return *s_; }
  operator Statement&() { return *s_; }  // NOLINT: a Query is passed where a Statement is read
  template <class T>
  Query& bind(int index, T&& value) {
    s_->bind(index, std::forward<T>(value));
    return *this;
  }
  template <class T>
  Query& bind_optional(int index, const std::optional<T>& value) {
    s_->bind_optional(index, value);
    return *this;
  }
  bool step() { return s_->step(); }
  void run() { s_->run(); }
  void reset() { s_->reset(); }
  std::string text(int c) const { return s_->text(c); }
  std::int64_t integer(int c) const { return s_->integer(c); }
  bool is_null(int c) const { return s_->is_null(c); }
  int column_count() const { return s_->column_count(); }

 private:
  std::unique_ptr<Statement> s_;
};

}  // namespace rc::store
