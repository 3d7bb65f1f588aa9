// UploadClient against specs/upload.md, step by step and error by error, on a
// StringTransport and a fake context (clock, thread pool run by the test), with
// in-memory sources.
#include "protocols/upload/upload_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "kit/failure.h"
#include "protocols/upload/file_upload_source.h"
#include "protocols/upload/hmac_sha256.h"
#include "protocols/upload/memory_upload_source.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_source.h"

namespace kit::upload {
namespace {

using fakes::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kNonce = "0123456789abcdef0123456789abcdef";
const std::string kGreeting = "PKUP/1 " + kNonce + "\r\n";

std::string put_line(std::string_view content, std::string_view path) {
  return "PUT " + std::to_string(content.size()) + " " + sha256_hex(content) + " " +
         std::string(path) + "\r\n";
}

std::string ok_line(std::string_view content) { return "OK " + sha256_hex(content) + "\r\n"; }

class UploadClientTest : public ::testing::Test {
 protected:
  // add: a file to send, as a MemoryUploadSource named `name`.
  MemoryUploadSource& add(std::string name, std::string content, std::string remote) {
    auto source = std::make_unique<MemoryUploadSource>(std::move(name), std::move(content));
    MemoryUploadSource& ref = *source;
    items_.push_back({std::move(source), std::move(remote)});
    return ref;
  }

  // connect: a client for the files added, with `options`; what it sent at once.
  std::string connect(UploadClientOptions options = {}) {
    client_ = std::make_unique<UploadClient>(std::move(items_), std::move(options));
    (void)client_->done().add_callback(
        [this](UploadReport report) { report_ = std::move(report); });
    transport_.set_context(context_);
    transport_.connect(*client_);
    settle();
    return transport_.take();
  }

  // send: the server sends `bytes`, the sources do their work; what the client sent.
  std::string send(std::string_view bytes) {
    transport_.receive(bytes);
    settle();
    return transport_.take();
  }

  void settle() {
    while (context_.thread_pool().run_all() > 0) {
    }
  }

  bool closed() const { return !transport_.connected(); }
  const UploadResult& result(std::size_t i) const { return client_->results().at(i); }

  fakes::FakeContext context_{/*seed=*/7};
  fakes::StringTransport transport_;
  std::vector<UploadItem> items_;
  std::unique_ptr<UploadClient> client_;
  std::optional<UploadReport> report_;
};

// ---- the spec's example, step by step

TEST_F(UploadClientTest, TheSpecsExampleSession) {
  add("hello.txt", "hello", "notes/hello.txt");
  EXPECT_EQ(connect(), "");  // the client waits for the greeting
  EXPECT_EQ(send(kGreeting), put_line("hello", "notes/hello.txt"));
  EXPECT_EQ(send("READY\r\n"), "hello");
  EXPECT_EQ(send(ok_line("hello")), "QUIT\r\n");
  EXPECT_FALSE(report_);
  EXPECT_EQ(send("BYE\r\n"), "");
  EXPECT_TRUE(closed());
  EXPECT_FALSE(transport_.aborted());
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->all_stored());
  EXPECT_FALSE(report_->connection_error);
  ASSERT_EQ(report_->files.size(), 1u);
  EXPECT_TRUE(report_->files[0].stored);
  EXPECT_EQ(report_->files[0].sha256, sha256_hex("hello"));
  EXPECT_EQ(report_->files[0].local, "hello.txt");
  EXPECT_EQ(report_->files[0].remote, "notes/hello.txt");
  EXPECT_EQ(report_->files[0].error, "");
}

TEST_F(UploadClientTest, ServerLinesMayEndInLfAlone) {
  add("a", "x", "a");
  connect();
  EXPECT_EQ(send("PKUP/1 " + kNonce + "\n"), put_line("x", "a"));
  EXPECT_EQ(send("READY\n"), "x");
  EXPECT_EQ(send("OK " + sha256_hex("x") + "\n"), "QUIT\r\n");
  send("BYE\n");
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->all_stored());
}

TEST_F(UploadClientTest, NoFilesGreetsAndQuits) {
  connect();
  EXPECT_EQ(send(kGreeting), "QUIT\r\n");
  send("BYE\r\n");
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->files.empty());
  EXPECT_TRUE(report_->all_stored());
}

TEST_F(UploadClientTest, SeveralFilesOnOneConnectionInOrder) {
  add("a", "first", "x/a");
  add("b", "", "x/b");  // zero bytes: READY is followed by the answer, no body
  add("c", "QUIT\r\nPUT 1 x y\n", "x/c");
  connect();
  EXPECT_EQ(send(kGreeting), put_line("first", "x/a"));
  EXPECT_EQ(send("READY\r\n"), "first");
  EXPECT_EQ(send(ok_line("first")), put_line("", "x/b"));
  EXPECT_EQ(send("READY\r\n"), "");
  EXPECT_EQ(send(ok_line("")), put_line("QUIT\r\nPUT 1 x y\n", "x/c"));
  EXPECT_EQ(send("READY\r\n"), "QUIT\r\nPUT 1 x y\n");
  EXPECT_EQ(send(ok_line("QUIT\r\nPUT 1 x y\n")), "QUIT\r\n");
  send("BYE\r\n");
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->all_stored());
  EXPECT_EQ(report_->files[1].sha256, sha256_hex(""));
}

TEST_F(UploadClientTest, RemotePathsMayHoldSpaces) {
  add("a", "x", "dir with/sp ace.txt");
  connect();
  EXPECT_EQ(send(kGreeting), put_line("x", "dir with/sp ace.txt"));
}

// ---- the greeting

TEST_F(UploadClientTest, BadGreetingsEndTheConversation) {
  for (const std::string& greeting :
       {std::string("HTTP/1.1 400 Bad Request"), std::string("PKUP/1"), std::string("PKUP/1 "),
        std::string("PKUP/1 abc"), "PKUP/2 " + kNonce, "PKUP/1  " + kNonce,
        "PKUP/1 " + kNonce + " ", std::string("PKUP/1 0123456789ABCDEF0123456789ABCDEF"),
        "PKUP/1 " + kNonce + "00", std::string(""), std::string("ERR 500 no")}) {
    SCOPED_TRACE(greeting);
    fakes::StringTransport transport;
    transport.set_context(context_);
    std::vector<UploadItem> items;
    items.push_back({std::make_unique<MemoryUploadSource>("a.txt", "x"), "r/a.txt"});
    UploadClient client(std::move(items));
    std::optional<UploadReport> report;
    (void)client.done().add_callback([&](UploadReport r) { report = std::move(r); });
    transport.connect(client);
    transport.receive(greeting + "\r\n");
    settle();
    EXPECT_EQ(transport.value(), "");
    EXPECT_TRUE(transport.aborted());
    ASSERT_TRUE(report);
    ASSERT_TRUE(report->connection_error);
    EXPECT_THAT(*report->connection_error, StartsWith("bad greeting \""));
    EXPECT_FALSE(report->files[0].stored);
    EXPECT_THAT(report->files[0].error,
                StartsWith("cannot upload a.txt to r/a.txt: not sent: bad greeting \""));
  }
}

TEST_F(UploadClientTest, GreetingControlBytesAreEscapedInTheMessage) {
  add("a", "x", "a");
  connect();
  send(std::string("\x1b[2J\x7f\"\\", 7) + "\r\n");
  ASSERT_TRUE(report_);
  EXPECT_EQ(*report_->connection_error,
            "bad greeting \"\\x1b[2J\\x7f\\\"\\\\\" (expected \"PKUP/1 <nonce>\")");
}

// ---- authentication

TEST_F(UploadClientTest, WithASecretSendsTheMacOfTheNonce) {
  add("a", "x", "a");
  UploadClientOptions options;
  options.secret = "s3cret";
  connect(options);
  EXPECT_EQ(send(kGreeting), "AUTH " + hmac_sha256_hex("s3cret", kNonce) + "\r\n");
  EXPECT_EQ(send("OK auth\r\n"), put_line("x", "a"));
}

TEST_F(UploadClientTest, WithoutASecretSendsNoAuth) {
  add("a", "x", "a");
  EXPECT_EQ(connect(), "");
  EXPECT_THAT(send(kGreeting), StartsWith("PUT "));
}

TEST_F(UploadClientTest, BadCredentialsFailEveryFile) {
  add("a", "x", "a");
  add("b", "y", "b");
  UploadClientOptions options;
  options.secret = "wrong";
  connect(options);
  send(kGreeting);
  EXPECT_EQ(send("ERR 401 bad credentials\r\n"), "");
  EXPECT_TRUE(closed());
  EXPECT_FALSE(transport_.aborted());
  ASSERT_TRUE(report_);
  EXPECT_FALSE(report_->all_stored());
  EXPECT_EQ(*report_->connection_error,
            "authentication refused: the server answered \"ERR 401 bad credentials\"");
  EXPECT_EQ(report_->files[0].error,
            "cannot upload a to a: not sent: authentication refused: the server answered "
            "\"ERR 401 bad credentials\"");
  EXPECT_THAT(report_->files[1].error, StartsWith("cannot upload b to b: not sent: "));
}

TEST_F(UploadClientTest, AuthRequiredIsAnErrorForEachFileAndTheConnectionGoesOn) {
  add("a", "x", "a");
  add("b", "y", "b");
  connect();
  send(kGreeting);
  EXPECT_EQ(send("ERR 401 authentication required\r\n"), put_line("y", "b"));
  EXPECT_EQ(send("ERR 401 authentication required\r\n"), "QUIT\r\n");
  EXPECT_EQ(result(0).error,
            "cannot upload a to a: the server answered \"ERR 401 authentication required\"");
}

TEST_F(UploadClientTest, AnythingButOkAuthToAuthIsFatal) {
  add("a", "x", "a");
  UploadClientOptions options;
  options.secret = "k";
  connect(options);
  send(kGreeting);
  send("READY\r\n");
  EXPECT_TRUE(transport_.aborted());
  ASSERT_TRUE(report_);
  EXPECT_EQ(*report_->connection_error, "unexpected answer \"READY\" (expected OK auth)");
}

// ---- PUT answers

TEST_F(UploadClientTest, ErrToAPutIsRecordedAndTheNextFileGoesOn) {
  add("a", "x", "taken");
  add("b", "y", "free");
  connect();
  send(kGreeting);
  EXPECT_EQ(send("ERR 409 exists\r\n"), put_line("y", "free"));
  EXPECT_EQ(result(0).error, "cannot upload a to taken: the server answered \"ERR 409 exists\"");
  EXPECT_FALSE(result(0).stored);
  EXPECT_EQ(send("READY\r\n"), "y");
  EXPECT_EQ(send(ok_line("y")), "QUIT\r\n");
  send("BYE\r\n");
  ASSERT_TRUE(report_);
  EXPECT_FALSE(report_->all_stored());
  EXPECT_FALSE(report_->connection_error);
  EXPECT_TRUE(report_->files[1].stored);
}

TEST_F(UploadClientTest, UnexpectedAnswerToAPutIsFatal) {
  add("a", "x", "a");
  add("b", "y", "b");
  connect();
  send(kGreeting);
  EXPECT_EQ(send("OK auth\r\n"), "");
  EXPECT_TRUE(transport_.aborted());
  EXPECT_EQ(result(0).error,
            "cannot upload a to a: unexpected answer \"OK auth\" (expected READY or ERR)");
  EXPECT_EQ(result(1).error,
            "cannot upload b to b: not sent: unexpected answer \"OK auth\" (expected READY or "
            "ERR)");
}

TEST_F(UploadClientTest, TimeoutAnswerClosesAndFailsTheRest) {
  add("a", "x", "a");
  add("b", "y", "b");
  connect();
  send(kGreeting);
  EXPECT_EQ(send("ERR 408 timeout\r\n"), "");
  EXPECT_TRUE(closed());
  EXPECT_EQ(result(0).error,
            "cannot upload a to a: the server closed the connection after answering \"ERR 408 "
            "timeout\"");
  EXPECT_THAT(result(1).error, HasSubstr("not sent: the server closed the connection after"));
}

TEST_F(UploadClientTest, RemotePathWithALineEndIsRefusedLocally) {
  add("a", "x", "evil\r\nQUIT");
  add("b", "y", "fine");
  connect();
  EXPECT_EQ(send(kGreeting), put_line("y", "fine"));
  EXPECT_EQ(result(0).error,
            "cannot upload a to evil\r\nQUIT: the remote path contains a CR or LF");
}

TEST_F(UploadClientTest, PutLineOverTheLimitIsRefusedLocally) {
  const std::string fits(4096 - std::string("PUT 1  ").size() - 64, 'p');
  add("a", "x", fits + "p");
  add("b", "x", fits);
  connect();
  EXPECT_EQ(send(kGreeting), put_line("x", fits));
  EXPECT_THAT(result(0).error, HasSubstr("the remote path is too long"));
}

// ---- the body's answer

TEST_F(UploadClientTest, OkWithAnotherHashIsAnErrorForThatFile) {
  add("a", "x", "a");
  add("b", "y", "b");
  connect();
  send(kGreeting);
  send("READY\r\n");
  EXPECT_EQ(send(ok_line("not x")), put_line("y", "b"));
  EXPECT_FALSE(result(0).stored);
  EXPECT_EQ(result(0).error, "cannot upload a to a: the server answered \"OK " +
                                 sha256_hex("not x") + "\" but the local hash is " +
                                 sha256_hex("x"));
}

TEST_F(UploadClientTest, ChecksumMismatchIsAnErrorAndTheNextFileGoesOn) {
  add("a", "x", "a");
  add("b", "y", "b");
  connect();
  send(kGreeting);
  send("READY\r\n");
  const std::string answer = "ERR 422 checksum mismatch " + sha256_hex("z");
  EXPECT_EQ(send(answer + "\r\n"), put_line("y", "b"));
  EXPECT_EQ(result(0).error, "cannot upload a to a: the server answered \"" + answer + "\"");
}

TEST_F(UploadClientTest, MalformedOkIsFatal) {
  add("a", "x", "a");
  connect();
  send(kGreeting);
  send("READY\r\n");
  send("OK " + sha256_hex("x").substr(1) + "\r\n");
  EXPECT_TRUE(transport_.aborted());
  EXPECT_THAT(result(0).error, HasSubstr("unexpected answer \"OK "));
}

TEST_F(UploadClientTest, AnswersSentEarlyWaitForTheirTurn) {
  // A server may not answer before it is asked, but a client that reads ahead must not
  // take an early answer for another step's.
  add("a", "abc", "a");
  connect();
  transport_.receive(kGreeting + "READY\r\n" + ok_line("abc") + "BYE\r\n");
  settle();
  EXPECT_EQ(transport_.take(), put_line("abc", "a") + "abc" + "QUIT\r\n");
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->all_stored());
}

TEST_F(UploadClientTest, UnexpectedAnswerToQuitLeavesStoredFilesStored) {
  add("a", "x", "a");
  connect();
  send(kGreeting);
  send("READY\r\n");
  send(ok_line("x"));
  send("PKUP/1 what\r\n");
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->all_stored());
  EXPECT_THAT(*report_->connection_error, HasSubstr("(expected BYE)"));
}

TEST_F(UploadClientTest, ServerClosingAfterTheLastOkWithoutByeIsFine) {
  add("a", "x", "a");
  connect();
  send(kGreeting);
  send("READY\r\n");
  send(ok_line("x"));
  transport_.lose_from_peer(Failure(errc::connection_done));
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->all_stored());
  EXPECT_FALSE(report_->connection_error);
}

// ---- bad input

TEST_F(UploadClientTest, OverlongLineIsFatalWithoutWaitingForItsEnd) {
  add("a", "x", "a");
  connect();
  send(std::string(5000, 'P'));
  EXPECT_TRUE(transport_.aborted());
  ASSERT_TRUE(report_);
  EXPECT_EQ(*report_->connection_error, "the server sent a line over 4096 bytes");
}

TEST_F(UploadClientTest, LongErrLineIsQuotedShort) {
  add("a", "x", "a");
  connect();
  send(kGreeting);
  send("ERR 500 " + std::string(1000, 'w') + "\r\n");
  EXPECT_THAT(result(0).error, HasSubstr(std::string(150, 'w') + "\"..."));
  EXPECT_LT(result(0).error.size(), 300u);
}

// ---- the connection cut at each state

struct CutCase {
  const char* name;
  std::vector<std::string> answers;  // sent before the cut
  std::string expected;              // in file 0's error
};

TEST_F(UploadClientTest, CutAtEachStateFailsTheFilesNotYetStored) {
  const std::vector<CutCase> cases = {
      {"greeting", {}, "not sent: the connection was lost while waiting for the greeting"},
      {"auth",
       {kGreeting},
       "not sent: the connection was lost while waiting for the answer to AUTH"},
      {"put", {kGreeting, "OK auth\r\n"}, "the connection was lost while waiting for READY"},
      {"sent",
       {kGreeting, "OK auth\r\n", "READY\r\n"},
       "the connection was lost while waiting for the answer to the body"},
  };
  for (const CutCase& c : cases) {
    SCOPED_TRACE(c.name);
    fakes::StringTransport transport;
    transport.set_context(context_);
    std::vector<UploadItem> items;
    items.push_back({std::make_unique<MemoryUploadSource>("a", "abc"), "a"});
    items.push_back({std::make_unique<MemoryUploadSource>("b", "def"), "b"});
    UploadClientOptions options;
    options.secret = "k";
    UploadClient client(std::move(items), options);
    std::optional<UploadReport> report;
    (void)client.done().add_callback([&](UploadReport r) { report = std::move(r); });
    transport.connect(client);
    for (const std::string& answer : c.answers) {
      transport.receive(answer);
      settle();
    }
    transport.lose_from_peer();
    settle();
    ASSERT_TRUE(report);
    EXPECT_THAT(report->files[0].error, HasSubstr(c.expected));
    EXPECT_THAT(report->files[0].error, HasSubstr("connection lost"));
    EXPECT_THAT(report->files[1].error, HasSubstr("cannot upload b to b: not sent: "));
    EXPECT_FALSE(report->all_stored());
  }
}

TEST_F(UploadClientTest, CutWhileHashingIgnoresTheLateHash) {
  add("a", "abc", "a");
  connect();
  transport_.receive(kGreeting);  // prepare() is submitted, not run
  ASSERT_EQ(context_.thread_pool().pending(), 1u);
  transport_.lose_from_peer();
  ASSERT_TRUE(report_);
  EXPECT_THAT(result(0).error,
              HasSubstr("not sent: the connection was lost while hashing a: connection lost"));
  settle();  // the hash comes back to a closed connection
  EXPECT_EQ(transport_.value(), "");
}

TEST_F(UploadClientTest, CutInTheMiddleOfTheBody) {
  add("a", std::string(200 * 1024, 'b'), "a");
  connect();
  send(kGreeting);
  transport_.receive("READY\r\n");
  context_.thread_pool().run_next();  // one chunk written
  transport_.lose_from_peer();
  settle();
  ASSERT_TRUE(report_);
  EXPECT_THAT(result(0).error, HasSubstr("the connection was lost while sending the body of a"));
}

TEST_F(UploadClientTest, ServerHalfClosingWhileWaitingEndsTheConversation) {
  add("a", "x", "a");
  connect();
  send(kGreeting);
  transport_.receive_eof();
  settle();
  EXPECT_TRUE(closed());
  ASSERT_TRUE(report_);
  EXPECT_EQ(result(0).error,
            "cannot upload a to a: the server closed the connection while waiting for READY");
}

// ---- sources

TEST_F(UploadClientTest, MissingLocalFileIsAnErrorNamingItAndTheNextFileGoesOn) {
  items_.push_back({std::make_unique<FileUploadSource>("/nonexistent/dir/a.txt"), "a.txt"});
  add("b", "y", "b");
  connect();
  EXPECT_EQ(send(kGreeting), put_line("y", "b"));
  EXPECT_EQ(result(0).error,
            "cannot upload /nonexistent/dir/a.txt to a.txt: cannot open /nonexistent/dir/a.txt: "
            "No such file or directory");
}

TEST_F(UploadClientTest, SourceFailingInTheMiddleOfTheBodyAbortsTheConnection) {
  MemoryUploadSource& a = add("a", std::string(100, 'x'), "a");
  add("b", "y", "b");
  UploadClientOptions options;
  options.chunk_size = 40;
  connect(options);
  send(kGreeting);
  transport_.receive("READY\r\n");
  // The first read is asked for already; the second fails.
  a.fail_next_read(Failure(std::make_error_code(std::errc::io_error), "cannot read a"));
  settle();
  EXPECT_EQ(transport_.take(), std::string(40, 'x'));
  EXPECT_TRUE(transport_.aborted());
  EXPECT_EQ(result(0).error,
            "cannot upload a to a: cannot read a: Input/output error (in the middle of the body)");
  EXPECT_THAT(result(1).error, HasSubstr("not sent: cannot read a"));
}

// A source whose Deferreds have fired already: the client may not count on a pool round
// trip between steps.
class ImmediateSource final : public UploadSource {
 public:
  ImmediateSource(std::string name, std::string content, bool fail = false)
      : name_(std::move(name)), content_(std::move(content)), fail_(fail) {}
  const std::string& name() const noexcept override { return name_; }
  Deferred<SourceInfo> prepare(ThreadPool&) override {
    if (fail_) return fail<SourceInfo>(Failure(errc::cancelled, "no " + name_));
    return succeed(SourceInfo{content_.size(), sha256_hex(content_)});
  }
  Deferred<std::string> read(ThreadPool&, std::uint64_t offset, std::size_t max) override {
    return succeed(content_.substr(static_cast<std::size_t>(offset), max));
  }

 private:
  std::string name_;
  std::string content_;
  bool fail_;
};

TEST_F(UploadClientTest, SourcesAnsweringAtOnceDoNotDeepenTheStack) {
  // 300,000 one-byte chunks, and 100,000 sources failing at once: a client that recursed
  // per chunk or per file would overflow the stack.
  const std::string big(300'000, 'i');
  items_.push_back({std::make_unique<ImmediateSource>("big", big), "big"});
  for (int i = 0; i < 100'000; ++i) {
    items_.push_back({std::make_unique<ImmediateSource>("f", "", /*fail=*/true), "f"});
  }
  items_.push_back({std::make_unique<ImmediateSource>("last", "end"), "last"});
  UploadClientOptions options;
  options.chunk_size = 1;
  connect(options);
  transport_.receive(kGreeting + "READY\r\n" + ok_line(big) + "READY\r\n" + ok_line("end") +
                     "BYE\r\n");
  EXPECT_EQ(transport_.take(),
            put_line(big, "big") + big + put_line("end", "last") + "end" + "QUIT\r\n");
  ASSERT_TRUE(report_);
  EXPECT_TRUE(report_->files.front().stored);
  EXPECT_TRUE(report_->files.back().stored);
  EXPECT_EQ(report_->files[1].error, "cannot upload f to f: no f: cancelled");
  EXPECT_EQ(context_.thread_pool().pending(), 0u);
}

// ---- the body: chunks, progress, flow control

TEST_F(UploadClientTest, BodyGoesInChunksOfChunkSizeWithProgress) {
  MemoryUploadSource& a = add("a", std::string(10, 'z'), "a");
  UploadClientOptions options;
  options.chunk_size = 4;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  connect(options);
  client_->on_progress([&](const UploadProgress& p) {
    EXPECT_EQ(p.index, 0u);
    EXPECT_EQ(p.file->local, "a");
    progress.emplace_back(p.sent, p.total);
  });
  send(kGreeting);
  EXPECT_EQ(send("READY\r\n"), std::string(10, 'z'));
  EXPECT_EQ(a.reads(), 3u);
  EXPECT_EQ(a.largest_read(), 4u);
  EXPECT_EQ(progress, (std::vector<std::pair<std::uint64_t, std::uint64_t>>{
                          {0, 10}, {4, 10}, {8, 10}, {10, 10}}));
}

TEST_F(UploadClientTest, FileDoneIsCalledInOrder) {
  add("a", "x", "a");
  add("b", "y", "b");
  std::vector<std::string> done;
  connect();
  client_->on_file_done([&](std::size_t i, const UploadResult& r) {
    done.push_back(std::to_string(i) + (r.stored ? " stored" : " failed"));
  });
  send(kGreeting);
  send("ERR 403 no\r\n");
  send("READY\r\n");
  send(ok_line("y"));
  EXPECT_EQ(done, (std::vector<std::string>{"0 failed", "1 stored"}));
}

TEST_F(UploadClientTest, ProducerIsPausedByTheTransportAndBufferingStaysBounded) {
  const std::string body(1024 * 1024, 'q');
  MemoryUploadSource& a = add("a", body, "a");
  connect();
  EXPECT_EQ(transport_.producer(), client_.get());
  send(kGreeting);
  transport_.take();
  transport_.hold_writes(true);  // the server does not read
  send("READY\r\n");
  EXPECT_TRUE(transport_.producer_paused());
  const std::size_t bound = Transport::default_high_water + UploadClientOptions::default_chunk_size;
  EXPECT_LE(transport_.write_buffer_size(), bound);
  const std::size_t reads_when_paused = a.reads();
  settle();
  EXPECT_EQ(a.reads(), reads_when_paused);  // no read while paused
  std::string received;
  while (transport_.write_buffer_size() > 0) {
    transport_.deliver_held(16 * 1024);
    settle();
    EXPECT_LE(transport_.write_buffer_size(), bound);
    received += transport_.take();
  }
  EXPECT_EQ(received, body);
  transport_.hold_writes(false);
  EXPECT_EQ(send(ok_line(body)), "QUIT\r\n");
}

// ---- timeouts

TEST_F(UploadClientTest, NoGreetingWithinTheTimeout) {
  add("a", "x", "a");
  UploadClientOptions options;
  options.timeout = seconds(5);
  connect(options);
  context_.clock().advance(seconds(4));
  EXPECT_FALSE(report_);
  context_.clock().advance(seconds(1));
  EXPECT_TRUE(transport_.aborted());
  ASSERT_TRUE(report_);
  EXPECT_EQ(*report_->connection_error,
            "no answer from the server within 5 s (waiting for the greeting)");
}

TEST_F(UploadClientTest, TimeoutForEachAnswer) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{kGreeting}, "waiting for the answer to AUTH"},
      {{kGreeting, "OK auth\r\n"}, "waiting for READY"},
      {{kGreeting, "OK auth\r\n", "READY\r\n"}, "waiting for the answer to the body"},
      {{kGreeting, "OK auth\r\n", "READY\r\n", ok_line("x")}, "waiting for BYE"},
  };
  for (const auto& [answers, waiting] : cases) {
    SCOPED_TRACE(waiting);
    fakes::StringTransport transport;
    transport.set_context(context_);
    std::vector<UploadItem> items;
    items.push_back({std::make_unique<MemoryUploadSource>("a", "x"), "a"});
    UploadClientOptions options;
    options.secret = "k";
    options.timeout = seconds(30);
    UploadClient client(std::move(items), options);
    std::optional<UploadReport> report;
    (void)client.done().add_callback([&](UploadReport r) { report = std::move(r); });
    transport.connect(client);
    for (const std::string& answer : answers) {
      transport.receive(answer);
      settle();
    }
    context_.clock().advance(seconds(29));
    EXPECT_FALSE(report);
    context_.clock().advance(seconds(1));
    ASSERT_TRUE(report);
    EXPECT_EQ(*report->connection_error, "no answer from the server within 30 s (" + waiting + ")");
    EXPECT_TRUE(transport.aborted());
  }
}

TEST_F(UploadClientTest, WaitingForTheSourceIsNoTimeout) {
  add("a", "x", "a");
  UploadClientOptions options;
  options.timeout = seconds(5);
  connect(options);
  transport_.receive(kGreeting);  // the hash is not run yet
  context_.clock().advance(seconds(3600));
  EXPECT_FALSE(report_);
  EXPECT_EQ(send(""), put_line("x", "a"));
}

TEST_F(UploadClientTest, BodyHeldBackTooLongTimesOut) {
  add("a", std::string(512 * 1024, 'h'), "a");
  UploadClientOptions options;
  options.timeout = seconds(10);
  connect(options);
  send(kGreeting);
  transport_.hold_writes(true);
  send("READY\r\n");
  ASSERT_TRUE(transport_.producer_paused());
  context_.clock().advance(seconds(9));
  transport_.deliver_held(120 * 1024);  // the server reads: resumed, then paused again
  ASSERT_FALSE(transport_.producer_paused());
  settle();
  ASSERT_TRUE(transport_.producer_paused());
  context_.clock().advance(seconds(9));
  EXPECT_FALSE(report_);
  context_.clock().advance(seconds(1));
  ASSERT_TRUE(report_);
  EXPECT_EQ(*report_->connection_error,
            "no answer from the server within 10 s (waiting for the server to read the body)");
}

TEST_F(UploadClientTest, ZeroTimeoutMeansNone) {
  add("a", "x", "a");
  UploadClientOptions options;
  options.timeout = Duration::zero();
  connect(options);
  context_.clock().advance(seconds(100000));
  EXPECT_FALSE(report_);
  EXPECT_TRUE(transport_.connected());
}

// ---- quoting

TEST(QuoteAnswer, EscapesAndCuts) {
  EXPECT_EQ(quote_answer("ERR 409 exists"), "\"ERR 409 exists\"");
  EXPECT_EQ(quote_answer(std::string("a\0b\xff", 4)), "\"a\\x00b\\xff\"");
  EXPECT_EQ(quote_answer(std::string(201, 'x')), "\"" + std::string(200, 'x') + "\"...");
}

}  // namespace
}  // namespace kit::upload
