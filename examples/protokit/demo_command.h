// `protokit demo`: the kit's story end to end on loopback, told step by step.
#ifndef KIT_EXAMPLES_PROTOKIT_DEMO_COMMAND_H_
#define KIT_EXAMPLES_PROTOKIT_DEMO_COMMAND_H_

#include <CLI/CLI.hpp>

namespace protokit_cli {

struct DemoOptions {};

CLI::App* add_demo_command(CLI::App& app, DemoOptions& options);

// run_demo: 0 when every step succeeded, 1 otherwise (each step says how it went).
int run_demo(const DemoOptions& options);

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_DEMO_COMMAND_H_
