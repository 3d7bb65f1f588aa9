#include "examples/protokit/serve_command.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <string>

#include "examples/protokit/command_error.h"
#include "examples/protokit/option_values.h"
#include "examples/protokit/server_protocols.h"
#include "kit/endpoint.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "protocols/policies/connection_limit_factory.h"
#include "protocols/policies/idle_timeout_factory.h"
#include "protocols/policies/line_deadline_factory.h"
#include "protocols/upload/disk_upload_store.h"
#include "protocols/upload/secret_file.h"
#include "protocols/upload/upload_server.h"
#include "testing/transcript/session_recorder.h"
#include "testing/transcript/transcript_writer.h"

namespace protokit_cli {
namespace {

void ignore_stop_signals() {
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
}

// checked: parse(), with an OptionValueError turned into CLI11's usage error naming
// `option` ("--grace: 'nan' is not a number of seconds from 0 to 86400").
template <typename Parse>
auto checked(const char* option, Parse parse) {
  try {
    return parse();
  } catch (const OptionValueError& e) {
    throw CLI::ValidationError(option, e.what());
  }
}

// refuse_upload_options: the upload-only options given to another protocol are usage
// errors, as --max-line is for echo.
void refuse_upload_options(const ServeOptions& options) {
  const auto refuse = [&](const char* option) {
    throw UsageError(std::string(option) + " applies to upload, not " + options.protocol);
  };
  if (options.root) refuse("--root");
  if (options.max_size) refuse("--max-size");
  if (options.secret_file) refuse("--secret-file");
  if (options.no_overwrite) refuse("--no-overwrite");
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeOptions& options) {
  CLI::App* serve = app.add_subcommand("serve", "Run a server for one protocol until stopped");
  serve->add_option("protocol", options.protocol, "echo, line, reverse or upload")
      ->required()
      ->check(CLI::IsMember({"echo", "line", "reverse", "upload"}));
  serve
      ->add_option("--listen", options.listen,
                   "Endpoint to listen on (repeatable; default tcp:8000:interface=127.0.0.1)")
      ->type_name("ENDPOINT");
  // Each value is checked as it is parsed, so a bad one is a usage error before anything
  // starts; a value in range cannot overflow a duration or a count later.
  serve
      ->add_option_function<std::string>(
          "--idle-timeout",
          [&options](const std::string& text) {
            options.idle_timeout = checked(
                "--idle-timeout", [&] { return parse_seconds(text, max_idle_timeout_seconds); });
          },
          "Close connections idle this long (0 = never; at most 31536000, a year)")
      ->type_name("SECONDS")
      ->default_str("60");
  serve
      ->add_option_function<std::string>(
          "--max-connections",
          [&options](const std::string& text) {
            options.max_connections = checked("--max-connections", [&] {
              return static_cast<std::size_t>(
                  parse_count(text, 1, std::numeric_limits<std::size_t>::max()));
            });
          },
          "Close new connections at once beyond this many open ones (at least 1)")
      ->type_name("N")
      ->default_str("10000");
  serve
      ->add_option_function<std::string>(
          "--grace",
          [&options](const std::string& text) {
            options.grace =
                checked("--grace", [&] { return parse_seconds(text, max_grace_seconds); });
          },
          "On SIGINT/SIGTERM, let connections finish for at most this long (at most 86400, a "
          "day)")
      ->type_name("SECONDS")
      ->default_str("10");
  serve
      ->add_option_function<std::string>(
          "--max-line",
          [&options](const std::string& text) {
            options.max_line = checked("--max-line", [&] {
              return static_cast<std::size_t>(parse_count(text, 1, max_max_line));
            });
          },
          "Longest line accepted, without its ending (line, reverse; default 16384; 1 to "
          "1073741824)")
      ->type_name("BYTES");
  serve
      ->add_option_function<std::string>(
          "--line-timeout",
          [&options](const std::string& text) {
            options.line_timeout =
                checked("--line-timeout", [&] { return parse_seconds(text, max_grace_seconds); });
          },
          "Longest time one line may take to arrive, from its first byte (line, reverse; "
          "default 30; 0 = no bound; at most 86400)")
      ->type_name("SECONDS");
  serve->add_option("--root", options.root, "Directory the files go to (upload; required)")
      ->type_name("DIR");
  serve
      ->add_option_function<std::string>(
          "--max-size",
          [&options](const std::string& text) {
            options.max_size = checked("--max-size", [&] {
              return parse_count(text, 0, std::numeric_limits<std::uint64_t>::max());
            });
          },
          "Largest file accepted (upload; default 1073741824)")
      ->type_name("BYTES");
  serve
      ->add_option("--secret-file", options.secret_file,
                   "Require AUTH with the secret in FILE, less one trailing LF or CRLF (upload)")
      ->type_name("FILE");
  serve->add_flag("--no-overwrite", options.no_overwrite,
                  "Refuse (409) a file that exists already (upload)");
  serve
      ->add_option("--record", options.record,
                   "Record every connection, with the protocol's clock reads and random draws, "
                   "into this transcript (completed on stop)")
      ->type_name("FILE");
  return serve;
}

int run_serve(const ServeOptions& options) {
  const bool upload = options.protocol == "upload";
  if (upload && (!options.root || options.root->empty())) {
    throw UsageError("serve upload needs --root DIR");
  }
  if (!upload) refuse_upload_options(options);
  if (options.max_line && !uses_max_line(options.protocol)) {
    throw UsageError("--max-line applies to line and reverse, not " + options.protocol);
  }
  if (options.line_timeout && !uses_max_line(options.protocol)) {
    throw UsageError("--line-timeout applies to line and reverse, not " + options.protocol);
  }

  std::vector<kit::Endpoint> endpoints;
  std::vector<std::string> texts = options.listen;
  if (texts.empty()) texts.push_back(default_listen_endpoint);
  for (const std::string& text : texts) {
    try {
      endpoints.push_back(kit::parse_server_endpoint(text));
    } catch (const kit::EndpointError& e) {
      throw UsageError(std::string("--listen: ") + e.what());
    }
  }

  ServerProtocolSettings settings;
  if (options.max_line) settings.max_line = *options.max_line;
  // The store outlives the reactor (its writers and pool jobs refer to it). Made before
  // listening: a root that cannot be made fails before any `listening on` line, and stale
  // temporary files of a killed server are gone before the first upload.
  std::unique_ptr<kit::upload::DiskUploadStore> store;
  if (upload) {
    try {
      if (options.secret_file) {
        settings.upload.secret = kit::upload::read_secret_file(*options.secret_file);
      }
      store = std::make_unique<kit::upload::DiskUploadStore>(*options.root);
    } catch (const std::exception& e) {
      throw CommandError(e.what());
    }
    settings.upload_store = store.get();
    settings.upload.max_size =
        options.max_size.value_or(kit::upload::UploadServerOptions::default_max_size);
    settings.upload.overwrite = !options.no_overwrite;
    settings.upload.idle_timeout = options.idle_timeout;
  }
  ServedFactory served(options.protocol, settings, options.idle_timeout,
                       options.line_timeout.value_or(default_line_timeout));

  // The reactor goes first so it can be destroyed (closing whatever is left) while the
  // factories its connections refer to still exist.
  auto live = std::make_unique<kit::live::LiveReactor>();
  kit::live::LiveReactor& reactor = *live;
  // Outermost: refuse beyond the limit.
  // Recording sits right around the protocol's stack, so it sees what the protocol drew.
  std::unique_ptr<kit::testing::transcript::TranscriptWriter> record_writer;
  std::unique_ptr<kit::testing::transcript::RecordingFactory> recording;
  kit::Factory* outer = &served.factory();
  if (options.record) {
    try {
      record_writer = std::make_unique<kit::testing::transcript::TranscriptWriter>(*options.record);
    } catch (const std::exception& e) {
      throw CommandError(e.what());
    }
    recording = std::make_unique<kit::testing::transcript::RecordingFactory>(
        *outer, *record_writer,
        kit::testing::transcript::RecordingFactoryOptions{
            .meta = {{"protocol", options.protocol}}});
    outer = recording.get();
  }
  kit::protocols::ConnectionLimitFactory limited(*outer, options.max_connections, reactor);

  bool stopping = false;
  reactor.on_signals({SIGINT, SIGTERM}, [&](int) {
    if (stopping) {
      reactor.stop();  // a second signal: stop now
      return;
    }
    stopping = true;
    reactor.shutdown(options.grace);  // at most a day (checked when parsed): it cannot throw
  });

  std::vector<std::unique_ptr<kit::ListeningPort>> ports;
  for (const kit::Endpoint& endpoint : endpoints) {
    try {
      ports.push_back(reactor.listen(endpoint, limited));
    } catch (const kit::FailureError& e) {
      throw CommandError(e.failure().what());
    }
  }
  for (const auto& port : ports) std::printf("listening on %s\n", port->description().c_str());
  std::fflush(stdout);

  reactor.run();
  // Stopped as asked: a further signal while tearing down must not turn exit 0 into death
  // by signal. (The reactor restores the default actions as it goes, hence twice.)
  ignore_stop_signals();
  ports.clear();
  live.reset();
  ignore_stop_signals();
  if (record_writer) {
    try {
      record_writer->close();  // FILE.partial renamed to FILE, complete
    } catch (const std::exception& e) {
      throw CommandError(std::string("--record: ") + e.what());
    }
  }
  return exit_ok;
}

}  // namespace protokit_cli
