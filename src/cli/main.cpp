// rightconv: one binary, one subcommand per job.
#include <iostream>
#include <map>

#include "commands.hpp"

namespace {

void usage(std::ostream& out) {
  out << "usage: rightconv COMMAND [ARGS]\n\n"
         "commands:\n"
         "  serve   run the chat server (WebSocket protocol v1)\n"
         "  check   check dialogs and content, reporting every problem\n"
         "  walk    run a dialog in the terminal\n"
         "  graph   print a dialog as a Graphviz or Mermaid diagram\n\n"
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
  std::cerr << "rightconv: unknown command \"" << command << "\"\n\n";
  usage(std::cerr);
  return kUsage;
}
