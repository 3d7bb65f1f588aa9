// protokit: serves, uses, records and replays the kit's protocols. The command line is a
// contract (specs/cli.md): names, options, output lines and exit statuses.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "examples/protokit/command_error.h"
#include "examples/protokit/demo_command.h"
#include "examples/protokit/record_command.h"
#include "examples/protokit/replay_command.h"
#include "examples/protokit/send_command.h"
#include "examples/protokit/serve_command.h"
#include "examples/protokit/upload_command.h"

namespace {

int fail(const std::string& message, int status) {
  std::fprintf(stderr, "protokit: %s\n", message.c_str());
  if (status == protokit_cli::exit_usage) {
    std::fprintf(stderr, "Run 'protokit --help' for usage.\n");
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace protokit_cli;
  CLI::App app("protokit: serve, use, record and replay protocols written with the kit",
               "protokit");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every command");

  ServeOptions serve_options;
  SendOptions send_options;
  UploadOptions upload_options;
  RecordOptions record_options;
  ReplayOptions replay_options;
  DemoOptions demo_options;
  CLI::App* serve = add_serve_command(app, serve_options);
  CLI::App* send = add_send_command(app, send_options);
  CLI::App* upload = add_upload_command(app, upload_options);
  CLI::App* record = add_record_command(app, record_options);
  CLI::App* replay = add_replay_command(app, replay_options);
  CLI::App* demo = add_demo_command(app, demo_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.empty()) message = "missing command";
    return fail(message, exit_usage);
  }

  try {
    if (serve->parsed()) return run_serve(serve_options);
    if (send->parsed()) return run_send(send_options);
    if (upload->parsed()) return run_upload(upload_options);
    if (record->parsed()) return run_record(record_options);
    if (replay->parsed()) return run_replay(replay_options);
    if (demo->parsed()) return run_demo(demo_options);
  } catch (const CommandError& e) {
    return fail(e.what(), e.status());
  } catch (const std::exception& e) {
    return fail(e.what(), exit_failure);
  }
  return fail("missing command", exit_usage);
}
