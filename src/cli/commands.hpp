// The rightconv subcommands. Each returns the process exit code:
// 0 ok, 1 problems found, 2 usage error.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace rc::cli {

using Args = std::vector<std::string>;

int check_command(const Args& args, std::ostream& out, std::ostream& err);
int walk_command(const Args& args, std::istream& in, std::ostream& out, std::ostream& err);
int graph_command(const Args& args, std::ostream& out, std::ostream& err);
int serve_command(const Args& args, std::ostream& out, std::ostream& err);
int staff_command(const Args& args, std::ostream& out, std::ostream& err);
int audit_command(const Args& args, std::ostream& out, std::ostream& err);
int purge_command(const Args& args, std::ostream& out, std::ostream& err);
int export_subject_command(const Args& args, std::ostream& out, std::ostream& err);
int erase_command(const Args& args, std::ostream& out, std::ostream& err);
int test_command(const Args& args, std::ostream& out, std::ostream& err);
int diff_command(const Args& args, std::ostream& out, std::ostream& err);
int replay_command(const Args& args, std::ostream& out, std::ostream& err);
int outbox_command(const Args& args, std::ostream& out, std::ostream& err);
int safety_command(const Args& args, std::ostream& out, std::ostream& err);
int migrate_command(const Args& args, std::ostream& out, std::ostream& err);
int copy_command(const Args& args, std::ostream& out, std::ostream& err);
int backup_command(const Args& args, std::ostream& out, std::ostream& err);
int restore_command(const Args& args, std::ostream& out, std::ostream& err);
int verify_backup_command(const Args& args, std::ostream& out, std::ostream& err);

constexpr int kOk = 0, kProblems = 1, kUsage = 2;

}  // namespace rc::cli
