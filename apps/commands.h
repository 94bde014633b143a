#pragma once
// One function per `herd` subcommand. Each parses its own arguments
// (argv[0] is the subcommand name) and returns the process exit code.
namespace herd::apps {

int cmd_demo(int argc, char** argv);
int cmd_plot(int argc, char** argv);
int cmd_sim(int argc, char** argv);
int cmd_live(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_up(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_report(int argc, char** argv);
int cmd_diff(int argc, char** argv);
int cmd_explore(int argc, char** argv);

}  // namespace herd::apps
