#include "examples/protokit/demo_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "examples/protokit/command_error.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "kit/client_factory.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/basic/line_only_receiver.h"
#include "protocols/line/line_protocol.h"
#include "protocols/policies/idle_timeout_factory.h"
#include "protocols/upload/disk_upload_store.h"
#include "protocols/upload/memory_upload_source.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_client.h"
#include "protocols/upload/upload_server.h"
#include "testing/transcript/replayer.h"
#include "testing/transcript/session_recorder.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace protokit_cli {
namespace {

using namespace std::chrono_literals;

// Prints each step as it completes and remembers whether all of them succeeded.
class Story {
 public:
  void step(bool ok, const std::string& text) {
    ++steps_;
    if (!ok) ++failed_;
    std::printf("[%d] %s ... %s\n", steps_, text.c_str(), ok ? "ok" : "FAILED");
    std::fflush(stdout);
  }
  void say(const std::string& text) {
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
  }
  int finish() {
    std::printf("demo: %d steps, %s\n", steps_,
                failed_ == 0 ? "all ok" : (std::to_string(failed_) + " failed").c_str());
    return failed_ == 0 ? exit_ok : exit_failure;
  }

 private:
  int steps_ = 0;
  int failed_ = 0;
};

std::string shown(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// What the demo's client saw; it outlives the client, which its connection owns.
struct Conversation {
  std::vector<std::string> answers;
  bool closed = false;
  std::string close_reason;
};

// The demo's client: sends its lines one at a time, each after the previous answer.
class ScriptedClient : public kit::protocols::LineOnlyReceiver {
 public:
  ScriptedClient(std::vector<std::string> lines, Conversation& seen)
      : lines_(std::move(lines)), seen_(seen) {}

  void connection_made() override { send_next(); }
  void line_received(std::string_view line) override {
    seen_.answers.emplace_back(line);
    send_next();
  }
  void connection_lost(const kit::Failure& reason) override {
    seen_.closed = true;
    seen_.close_reason = reason.what();
  }

 private:
  void send_next() {
    if (next_ < lines_.size()) send_line(lines_[next_++]);
  }

  std::vector<std::string> lines_;
  Conversation& seen_;
  std::size_t next_ = 0;
};

// What the live steps recorded, for the replay steps.
struct Recording {
  std::ostringstream text;
  kit::testing::transcript::TranscriptWriter writer{text};
};

void live_steps(Story& story, Recording& recording) {
  story.say("-- the `line` protocol, served live on loopback by the Asio reactor (recorded)");
  kit::live::LiveReactor reactor;
  auto line = kit::factory_for<kit::protocols::LineProtocol>(std::size_t{16384});
  // Every connection is written down as it happens: bytes, times, closes.
  kit::testing::transcript::RecordingFactory factory(*line, recording.writer);
  std::unique_ptr<kit::ListeningPort> port;
  try {
    port = reactor.listen("tcp:0:interface=127.0.0.1", factory);
  } catch (const std::exception& e) {
    story.step(false, std::string("listen on tcp:0:interface=127.0.0.1: ") + e.what());
    return;
  }
  story.step(true, "server listening on " + port->description());

  Conversation seen;
  kit::FunctionClientFactory client_factory([&](const kit::Address&) {
    return std::make_unique<ScriptedClient>(std::vector<std::string>{"hello", "quit"}, seen);
  });
  std::string failure;
  client_factory.on_failed = [&](kit::Connector&, const kit::Failure& reason) {
    failure = reason.what();
  };
  kit::Endpoint server;
  server.host = port->address().host();
  server.port = port->address().port();
  auto connector = reactor.connect(server, client_factory);
  bool done = reactor.run_until([&] { return !failure.empty() || seen.closed; }, 5s);
  if (!failure.empty()) {
    story.step(false, "client connects: " + failure);
    return;
  }
  story.step(done, "client connected, sent \"hello\" and \"quit\" (lines end in CRLF)");
  const std::vector<std::string> expected = {"You said: hello", "Goodbye."};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    std::string got = i < seen.answers.size() ? seen.answers[i] : "(nothing)";
    story.step(got == expected[i], "server answered " + shown(got));
  }
  story.step(seen.closed && seen.close_reason == "connection closed cleanly",
             "server closed the connection after Goodbye (" +
                 (seen.closed ? seen.close_reason : std::string("still open")) + ")");
}

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != 0 ? tmp : "/tmp") + "/protokit-demo-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// Names under `root` that a finished upload must not leave: its temporary files.
bool any_temporary_left(const std::string& root) {
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root, error)) {
    if (entry.path().filename().string().starts_with(".pkup-")) return true;
  }
  return false;
}

void upload_steps(Story& story) {
  story.say("-- the `upload` protocol (PKUP/1): a file stored through the live server");
  ScratchDirectory root;
  if (root.path().empty()) {
    story.step(false, "make a scratch directory for the server's root");
    return;
  }
  kit::live::LiveReactor reactor;
  kit::upload::UploadServerOptions options;
  options.secret = "demo secret";
  std::unique_ptr<kit::upload::DiskUploadStore> store;
  std::unique_ptr<kit::Factory> factory;
  std::unique_ptr<kit::ListeningPort> port;
  try {
    store = std::make_unique<kit::upload::DiskUploadStore>(root.path());
    factory = kit::upload::make_upload_server_factory(*store, options);
    port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);
  } catch (const std::exception& e) {
    story.step(false, std::string("start the upload server: ") + e.what());
    return;
  }
  story.step(true, "upload server listening on " + port->description() + ", root " + root.path() +
                       ", with a shared secret");

  // Body bytes that look like commands and line ends: raw mode must not care.
  const std::string content = "hello from the demo\r\nPUT 1 not-a-command x\nQUIT\n";
  const std::string local_sha256 = kit::upload::sha256_hex(content);
  std::optional<kit::upload::UploadReport> report;
  kit::FunctionClientFactory client_factory([&](const kit::Address&) {
    std::vector<kit::upload::UploadItem> items;
    items.push_back({std::make_unique<kit::upload::MemoryUploadSource>("greeting.txt", content),
                     "demo/greeting.txt"});
    kit::upload::UploadClientOptions client_options;
    client_options.secret = options.secret;
    auto client = std::make_unique<kit::upload::UploadClient>(std::move(items), client_options);
    client->done().add_callback([&](kit::upload::UploadReport r) { report = std::move(r); });
    return client;
  });
  std::string failure;
  client_factory.on_failed = [&](kit::Connector&, const kit::Failure& reason) {
    failure = reason.what();
  };
  auto connector = reactor.connect(port->description(), client_factory);
  const bool done = reactor.run_until([&] { return !failure.empty() || report.has_value(); }, 10s);
  if (!failure.empty() || !done) {
    story.step(false, "client connects and uploads: " + (done ? failure : "no answer in 10 s"));
    return;
  }
  const kit::upload::UploadResult& file = report->files.front();
  story.step(file.stored, "client authenticated, sent greeting.txt (" +
                              std::to_string(content.size()) +
                              " bytes with CR, LF and command-like text) as demo/greeting.txt: " +
                              (file.stored ? "the server answered OK" : file.error));
  story.step(file.sha256 == local_sha256,
             "the server's hash is the local one: " + local_sha256.substr(0, 16) + "...");
  std::ifstream stored(root.path() + "/demo/greeting.txt", std::ios::binary);
  const std::string on_disk((std::istreambuf_iterator<char>(stored)),
                            std::istreambuf_iterator<char>());
  story.step(on_disk == content && !any_temporary_left(root.path()),
             "the file on disk holds exactly those bytes, and no .pkup-* temporary is left");
}

void replay_steps(Story& story, Recording& recording) {
  story.say("-- the recorded session, replayed with no sockets on a fake clock");
  recording.writer.close();
  const std::string transcript = recording.text.str();
  auto replay_into = [&](std::size_t max_line) {
    std::istringstream in(transcript);
    kit::testing::transcript::TranscriptReader reader(in);
    auto line = kit::factory_for<kit::protocols::LineProtocol>(max_line);
    return kit::testing::transcript::replay(*line, reader);
  };
  const std::size_t events =
      static_cast<std::size_t>(std::count(transcript.begin(), transcript.end(), '\n'));
  const auto same = replay_into(16384);
  story.step(same.ok() && same.sessions_played == 1,
             "a fresh LineProtocol fed the recorded bytes at the recorded times answers as "
             "the live one did (" +
                 std::to_string(events) + " transcript lines)" +
                 (same.ok() ? "" : ": " + same.message));
  const auto changed = replay_into(4);
  std::string first_line = changed.message.substr(0, changed.message.find('\n'));
  story.step(!changed.ok(), "a LineProtocol with a 4-byte line limit does not: " +
                                (changed.ok() ? std::string("it replayed") : first_line));
}

void fake_steps(Story& story) {
  story.say("-- the same LineProtocol on fakes: no sockets, no sleeping");
  kit::fakes::StringTransport transport;
  kit::protocols::LineProtocol protocol(16384);
  transport.connect(protocol);
  transport.receive("hel");
  transport.receive("lo\r\nqu");
  story.step(
      transport.take() == "You said: hello\r\n",
      "StringTransport: \"hel\" + \"lo\\r\\nqu\" in two chunks -> \"You said: hello\\r\\n\"");
  transport.receive("it\n");
  story.step(transport.take() == "Goodbye.\r\n" && transport.lost_reason().has_value(),
             "StringTransport: \"it\\n\" completes quit -> \"Goodbye.\\r\\n\", connection closed");

  kit::fakes::FakeContext context;
  kit::fakes::FakeClock& clock = context.clock();
  auto inner = kit::factory_for<kit::protocols::LineProtocol>(std::size_t{16384});
  kit::protocols::IdleTimeoutFactory idle(*inner, 60s);
  kit::fakes::StringTransport idle_transport;
  idle_transport.set_context(context);
  std::unique_ptr<kit::Protocol> idle_protocol = idle.build_protocol(idle_transport.peer());
  idle_transport.connect(*idle_protocol);
  clock.advance(59s);
  bool open_at_59 = !idle_transport.disconnecting();
  auto started = std::chrono::steady_clock::now();
  clock.advance(1s);
  auto real_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count();
  story.step(open_at_59 && idle_transport.lost_reason().has_value(),
             "FakeClock: idle timeout of 60 s, open at 59 s, closed at 60 s (" +
                 std::to_string(real_ms) + " ms of real time)");
}

}  // namespace

CLI::App* add_demo_command(CLI::App& app, DemoOptions&) {
  return app.add_subcommand("demo",
                            "Run the kit's story end to end on loopback, telling each step");
}

int run_demo(const DemoOptions&) {
  Story story;
  story.say("protokit demo: one protocol, tested on fakes and served live");
  Recording recording;
  live_steps(story, recording);
  replay_steps(story, recording);
  upload_steps(story);
  fake_steps(story);
  return story.finish();
}

}  // namespace protokit_cli
