// rightconv: one binary, one subcommand per job.
#include <iostream>
#include <map>

#include "commands.hpp"

namespace {

void usage(std::ostream& out) {
  out << "usage: rightconv COMMAND [ARGS]\n\n"
         "commands:\n"
         "  serve   run the chat server (WebSocket protocol v1)\n"
         "  staff   add, list and disable staff accounts; issue tokens\n"
         "  audit   verify the audit log's hash chain\n"
         "  purge   apply the retention periods (--dry-run or --now)\n"
         "  export-subject  write a subject access package\n"
         "  erase   remove conversations on request\n"
         "  outbox  list handoff deliveries; retry failed ones\n"
         "  migrate bring the database's schema up to date (SQLite file or PostgreSQL URL)\n"
         "  copy    move an SQLite database into an empty PostgreSQL one, verified table by table\n"
         "  backup  copy the SQLite database while the server runs (one consistent snapshot)\n"
         "  restore make a backup the database (refused while a server runs on it)\n"
         "  verify-backup  check a backup: integrity, schema version, audit chain\n"
         "  check   check dialogs and content, reporting every problem\n"
         "  walk    run a dialog in the terminal\n"
         "  graph   print a dialog as a Graphviz or Mermaid diagram\n"
         "  test    run the scenario tests next to the dialogs and report coverage\n"
         "  diff    show what changed between two versions of a dialog, and which outcomes\n"
         "  replay  re-run logged conversations against a candidate dialog\n"
         "  safety  measure the safety detector on its labelled corpus (eval), or explain one text\n\n"
         "Run 'rightconv COMMAND --help' for a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rc::cli;
  if (argc < 2) {
    usage(std::cerr);
    return kUsage;
  }
  const std::string command = argv[1];
  const Args args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    usage(std::cout);
    return kOk;
  }
  if (command == "check") return check_command(args, std::cout, std::cerr);
  if (command == "walk") return walk_command(args, std::cin, std::cout, std::cerr);
  if (command == "graph") return graph_command(args, std::cout, std::cerr);
  if (command == "serve") return serve_command(args, std::cout, std::cerr);
  if (command == "staff") return staff_command(args, std::cout, std::cerr);
  if (command == "audit") return audit_command(args, std::cout, std::cerr);
  if (command == "purge") return purge_command(args, std::cout, std::cerr);
  if (command == "export-subject") return export_subject_command(args, std::cout, std::cerr);
  if (command == "erase") return erase_command(args, std::cout, std::cerr);
  if (command == "test") return test_command(args, std::cout, std::cerr);
  if (command == "diff") return diff_command(args, std::cout, std::cerr);
  if (command == "replay") return replay_command(args, std::cout, std::cerr);
  if (command == "outbox") return outbox_command(args, std::cout, std::cerr);
  if (command == "copy") return copy_command(args, std::cout, std::cerr);
  if (command == "backup") return backup_command(args, std::cout, std::cerr);
  if (command == "restore") return restore_command(args, std::cout, std::cerr);
  if (command == "verify-backup") return verify_backup_command(args, std::cout, std::cerr);
  if (command == "migrate") return migrate_command(args, std::cout, std::cerr);
  if (command == "safety") return safety_command(args, std::cout, std::cerr);
  std::cerr << "rightconv: unknown command \"" << command << "\"\n\n";
  usage(std::cerr);
  return kUsage;
}
