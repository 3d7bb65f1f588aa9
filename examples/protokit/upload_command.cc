#include "examples/protokit/upload_command.h"

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "examples/protokit/command_error.h"
#include "examples/protokit/progress_bar.h"
#include "kit/client_factory.h"
#include "kit/endpoint.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "protocols/upload/file_upload_source.h"
#include "protocols/upload/secret_file.h"
#include "protocols/upload/upload_client.h"

namespace protokit_cli {

UploadArgument parse_upload_argument(std::string_view argument) {
  UploadArgument parsed;
  const std::size_t equals = argument.find('=');
  if (equals != std::string_view::npos) {
    parsed.local = std::string(argument.substr(0, equals));
    parsed.remote = std::string(argument.substr(equals + 1));
    if (parsed.remote.empty()) {
      throw UsageError("upload: empty remote path in '" + std::string(argument) + "'");
    }
  } else {
    parsed.local = std::string(argument);
    std::string_view base = argument;
    while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
    const std::size_t slash = base.rfind('/');
    if (slash != std::string_view::npos) base.remove_prefix(slash + 1);
    parsed.remote = std::string(base);
    if (parsed.remote.empty() && !parsed.local.empty()) {
      throw UsageError("upload: '" + parsed.local + "' has no base name; give FILE=REMOTE_PATH");
    }
  }
  if (parsed.local.empty()) {
    throw UsageError("upload: empty file name in '" + std::string(argument) + "'");
  }
  return parsed;
}

CLI::App* add_upload_command(CLI::App& app, UploadOptions& options) {
  CLI::App* upload =
      app.add_subcommand("upload", "Upload files to a PKUP/1 server over one connection");
  upload->add_option("--to", options.to, "HOST:PORT (also tcp:HOST:PORT or unix:PATH)")->required();
  upload->add_option("--secret-file", options.secret_file,
                     "The shared secret: the file's content less one trailing LF or CRLF");
  upload->add_flag_callback(
      "--progress", [&options] { options.progress = true; },
      "Draw progress bars on standard error even when it is not a terminal");
  upload->add_flag_callback(
      "--no-progress", [&options] { options.progress = false; }, "Draw no progress bars");
  upload
      ->add_option("files", options.files,
                   "FILE[=REMOTE_PATH]: REMOTE_PATH defaults to FILE's base name; split at the "
                   "first '='")
      ->required();
  return upload;
}

int run_upload(const UploadOptions& options) {
  kit::Endpoint endpoint;
  try {
    endpoint = kit::parse_client_endpoint(options.to);
  } catch (const kit::EndpointError& e) {
    throw UsageError(e.what());
  }
  std::vector<UploadArgument> arguments;
  for (const std::string& file : options.files) arguments.push_back(parse_upload_argument(file));

  kit::upload::UploadClientOptions client_options;
  if (options.secret_file) {
    if (options.secret_file->empty()) throw UsageError("upload: --secret-file needs a file name");
    try {
      client_options.secret = kit::upload::read_secret_file(*options.secret_file);
    } catch (const std::exception& e) {
      throw CommandError(e.what());
    }
  }

  kit::live::LiveReactor reactor;
  const bool show_bars = show_progress(options.progress, ::isatty(STDERR_FILENO) == 1);
  ProgressBar bar(reactor, stderr);
  std::optional<kit::upload::UploadReport> report;
  std::optional<kit::Failure> connect_failed;

  kit::FunctionClientFactory factory([&](const kit::Address&) {
    std::vector<kit::upload::UploadItem> items;
    for (const UploadArgument& argument : arguments) {
      items.push_back(
          {std::make_unique<kit::upload::FileUploadSource>(argument.local), argument.remote});
    }
    auto client = std::make_unique<kit::upload::UploadClient>(std::move(items), client_options);
    if (show_bars) {
      client->on_progress([&bar](const kit::upload::UploadProgress& progress) {
        if (progress.sent == 0) bar.start(progress.file->local, progress.total);
        bar.update(progress.sent);
      });
    }
    const bool without_secret = !client_options.secret;
    client->on_file_done(
        [&bar, without_secret](std::size_t, const kit::upload::UploadResult& result) {
          bar.finish();
          if (result.stored) {
            std::printf("%s  %s\n", result.sha256.c_str(), result.remote.c_str());
            std::fflush(stdout);
            return;
          }
          const bool wants_secret =
              without_secret &&
              result.error.find("\"ERR 401 authentication required\"") != std::string::npos;
          std::fprintf(stderr, "protokit: %s%s\n", result.error.c_str(),
                       wants_secret ? " (the server needs --secret-file)" : "");
        });
    (void)client->done().add_callback([&](kit::upload::UploadReport r) {
      report = std::move(r);
      reactor.stop();
    });
    return client;
  });
  factory.on_failed = [&](kit::Connector&, const kit::Failure& reason) {
    connect_failed = reason;
    reactor.stop();
  };
  std::shared_ptr<kit::Connector> connector = reactor.connect(endpoint, factory);
  reactor.run();
  std::fflush(stdout);

  if (connect_failed) throw CommandError(connect_failed->what());
  if (!report) throw CommandError("upload: the connection ended without an answer");
  if (report->all_stored()) return exit_ok;
  std::size_t failed = 0;
  for (const kit::upload::UploadResult& result : report->files) failed += result.stored ? 0 : 1;
  throw CommandError(std::to_string(failed) + " of " + std::to_string(report->files.size()) +
                     " files not stored");
}

}  // namespace protokit_cli
