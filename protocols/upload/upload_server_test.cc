// UploadServer against specs/upload.md, rule by rule, on a StringTransport, a fake context
// (clock, seeded Random, thread pool run by the test) and the in-memory store.
#include "protocols/upload/upload_server.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "protocols/upload/hmac_sha256.h"
#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_error.h"

namespace kit::upload {
namespace {

using fakes::seconds;

const std::string kHelloHash = sha256_hex("hello");

std::string put_line(std::string_view content, std::string_view path) {
  return "PUT " + std::to_string(content.size()) + " " + sha256_hex(content) + " " +
         std::string(path) + "\n";
}

// options: UploadServerOptions with the defaults less what a test changes.
struct Options {
  UploadServerOptions value;
  Options& max_size(std::uint64_t n) {
    value.max_size = n;
    return *this;
  }
  Options& secret(std::string s) {
    value.secret = std::move(s);
    return *this;
  }
  Options& no_overwrite() {
    value.overwrite = false;
    return *this;
  }
  Options& idle_timeout(Duration d) {
    value.idle_timeout = d;
    return *this;
  }
  operator UploadServerOptions() const { return value; }  // NOLINT: reads as an options value
};

class UploadServerTest : public ::testing::Test {
 protected:
  // connect: a new server with `options`; returns the greeting.
  std::string connect(UploadServerOptions options = {}) {
    server_ = std::make_unique<UploadServer>(store_, std::move(options));
    transport_.set_context(context_);
    transport_.connect(*server_);
    return transport_.take();
  }

  // send: the client sends `bytes`, the store does its work; what the server answered.
  std::string send(std::string_view bytes) {
    transport_.receive(bytes);
    settle();
    return transport_.take();
  }

  // settle: runs the store's work until none is left.
  void settle() {
    while (context_.thread_pool().run_all() > 0) {
    }
  }

  bool closed() const { return !transport_.connected(); }

  fakes::FakeContext context_{/*seed=*/42};
  MemoryUploadStore store_;
  std::unique_ptr<UploadServer> server_;
  fakes::StringTransport transport_;
};

// ---- greeting

TEST_F(UploadServerTest, GreetsWithANonceOf16RandomBytesInHex) {
  const std::string greeting = connect();
  ASSERT_EQ(context_.random().draws().size(), 1u);
  const std::string nonce = to_hex(context_.random().draws()[0]);
  EXPECT_EQ(nonce.size(), 32u);
  EXPECT_EQ(greeting, "PKUP/1 " + nonce + "\r\n");
  EXPECT_EQ(server_->nonce(), nonce);
}

TEST_F(UploadServerTest, EachConnectionGetsAFreshNonce) {
  const std::string first = connect();
  fakes::StringTransport other;
  other.set_context(context_);
  UploadServer second(store_, {});
  other.connect(second);
  EXPECT_NE(other.take(), first);
  EXPECT_EQ(second.nonce().size(), 32u);
  EXPECT_NE(second.nonce(), server_->nonce());
}

TEST_F(UploadServerTest, ScriptedRandomGivesTheNonce) {
  context_.random().script(std::string(16, '\xab'));
  EXPECT_EQ(connect(), "PKUP/1 abababababababababababababababab\r\n");
}

// ---- the spec's example, and each command's answers

TEST_F(UploadServerTest, TheSpecsExampleSession) {
  connect();
  EXPECT_EQ(send("PUT 5 " + kHelloHash + " notes/hello.txt\r\n"), "READY\r\n");
  EXPECT_EQ(send("hello"), "OK " + kHelloHash + "\r\n");
  EXPECT_EQ(store_.files().at("notes/hello.txt"), "hello");
  EXPECT_EQ(send("QUIT\r\n"), "BYE\r\n");
  EXPECT_TRUE(closed());
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
}

TEST_F(UploadServerTest, ReadyWaitsForTheStore) {
  connect();
  transport_.receive(put_line("hello", "f"));
  EXPECT_EQ(transport_.take(), "");
  EXPECT_TRUE(transport_.reading_paused());
  settle();
  EXPECT_EQ(transport_.take(), "READY\r\n");
  EXPECT_FALSE(transport_.reading_paused());
}

TEST_F(UploadServerTest, ZeroByteUpload) {
  connect();
  EXPECT_EQ(send(put_line("", "empty")), "READY\r\nOK " + sha256_hex("") + "\r\n");
  EXPECT_EQ(store_.files().at("empty"), "");
}

TEST_F(UploadServerTest, ReplacesAnExistingFileByDefault) {
  store_.put("f", "old");
  connect();
  EXPECT_EQ(send(put_line("new", "f")), "READY\r\n");
  EXPECT_EQ(send("new"), "OK " + sha256_hex("new") + "\r\n");
  EXPECT_EQ(store_.files().at("f"), "new");
}

TEST_F(UploadServerTest, NoOverwriteAnswers409AndStaysUsable) {
  store_.put("f", "old");
  connect(Options().no_overwrite());
  EXPECT_EQ(send(put_line("new", "f")), "ERR 409 exists\r\n");
  EXPECT_EQ(store_.files().at("f"), "old");
  EXPECT_FALSE(closed());
  EXPECT_EQ(send(put_line("new", "g")), "READY\r\n");
  EXPECT_EQ(send("new"), "OK " + sha256_hex("new") + "\r\n");
}

TEST_F(UploadServerTest, ChecksumMismatchAnswers422WithTheActualHashAndKeepsTheOldFile) {
  store_.put("f", "old");
  connect();
  EXPECT_EQ(send("PUT 5 " + sha256_hex("other") + " f\n"), "READY\r\n");
  EXPECT_EQ(send("hello"), "ERR 422 checksum mismatch " + kHelloHash + "\r\n");
  EXPECT_EQ(store_.files().at("f"), "old");
  EXPECT_EQ(store_.temporaries(), 0u);
  EXPECT_FALSE(closed());
}

TEST_F(UploadServerTest, StatAnswersSizeAndHashOr404) {
  store_.put("dir/f", "hello");
  connect();
  EXPECT_EQ(send("STAT dir/f\n"), "OK 5 " + kHelloHash + "\r\n");
  EXPECT_EQ(send("STAT nothing\n"), "ERR 404 not found\r\n");
  EXPECT_EQ(send("STAT dir\n"), "ERR 404 not found\r\n");
  EXPECT_EQ(send("STAT dir/f/x\n"), "ERR 404 not found\r\n");
}

TEST_F(UploadServerTest, PathsMayContainSpaces) {
  connect();
  EXPECT_EQ(send(put_line("hello", "my notes/a b  c.txt")), "READY\r\n");
  EXPECT_EQ(send("hello"), "OK " + kHelloHash + "\r\n");
  EXPECT_EQ(send("STAT my notes/a b  c.txt\n"), "OK 5 " + kHelloHash + "\r\n");
}

TEST_F(UploadServerTest, QuitSaysByeAndReadsNothingMore) {
  connect();
  EXPECT_EQ(send("QUIT\nSTAT a\n"), "BYE\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, UnknownCommandsAnswer400AndStayOpen) {
  connect();
  for (const char* line : {"HELLO\n", "put 1 2 3\n", "\n", "\r\n", " PUT\n", "STATS a\n", "QUITS\n",
                           "GET / HTTP/1.1\r\n"}) {
    EXPECT_EQ(send(line), "ERR 400 unknown command\r\n") << line;
  }
  EXPECT_FALSE(closed());
}

TEST_F(UploadServerTest, UnknownCommandIs400BeforeAndAfterAuth) {
  const std::string secret = "s3cret";
  connect(Options().secret(secret));
  EXPECT_EQ(send("NOPE\n"), "ERR 400 unknown command\r\n");
  EXPECT_EQ(send("AUTH " + hmac_sha256_hex(secret, server_->nonce()) + "\n"), "OK auth\r\n");
  EXPECT_EQ(send("NOPE\n"), "ERR 400 unknown command\r\n");
}

TEST_F(UploadServerTest, MissingFieldsAnswer400) {
  connect();
  for (const std::string& line :
       {std::string("PUT\n"), std::string("PUT 5\n"), "PUT 5 " + kHelloHash + "\n",
        std::string("STAT\n"), std::string("AUTH\n"), std::string("QUIT now\n")}) {
    EXPECT_EQ(send(line), "ERR 400 malformed command\r\n") << line;
  }
  EXPECT_FALSE(closed());
}

TEST_F(UploadServerTest, BadNumbersAnswer400) {
  connect();
  for (const char* size : {"+5", "-5", "05", "00", "5a", "", "0x5", "1e3", " 5"}) {
    EXPECT_EQ(send("PUT " + std::string(size) + " " + kHelloHash + " f\n"),
              "ERR 400 bad number\r\n")
        << size;
  }
}

TEST_F(UploadServerTest, BadHashesAnswer400) {
  connect();
  std::string upper = kHelloHash;
  upper[0] = 'C';
  for (const std::string& hash : {upper, kHelloHash.substr(1), kHelloHash + "0", std::string("xyz"),
                                  std::string(64, 'g'), std::string()}) {
    EXPECT_EQ(send("PUT 5 " + hash + " f\n"), "ERR 400 bad hash\r\n") << hash;
  }
}

TEST_F(UploadServerTest, SizesOverTheLimitAnswer413) {
  connect(Options().max_size(5));
  EXPECT_EQ(send("PUT 6 " + kHelloHash + " f\n"), "ERR 413 too large\r\n");
  EXPECT_EQ(send("PUT 5 " + kHelloHash + " f\n"), "READY\r\n");
  EXPECT_EQ(send("hello"), "OK " + kHelloHash + "\r\n");
}

TEST_F(UploadServerTest, SizesBeyond64BitsAnswer413) {
  connect(Options().max_size(~std::uint64_t{0}));
  for (const char* size :
       {"18446744073709551616", "99999999999999999999999999", "184467440737095516150"}) {
    EXPECT_EQ(send("PUT " + std::string(size) + " " + kHelloHash + " f\n"), "ERR 413 too large\r\n")
        << size;
  }
  // The largest 64-bit size is a size, not an overflow.
  EXPECT_EQ(send("PUT 18446744073709551615 " + kHelloHash + " f\n"), "READY\r\n");
}

// ---- precedence: syntax, auth, hash form, path, size, existing file

TEST_F(UploadServerTest, PrecedenceWithASecret) {
  connect(Options().max_size(5).secret("k"));
  // Syntax comes before authentication.
  EXPECT_EQ(send("PUT 5 abc\n"), "ERR 400 malformed command\r\n");
  EXPECT_EQ(send("PUT 05 bad /abs\n"), "ERR 400 bad number\r\n");
  EXPECT_EQ(send("STAT\n"), "ERR 400 malformed command\r\n");
  // Authentication comes before the hash, the path and the size.
  EXPECT_EQ(send("PUT 99 bad /abs\n"), "ERR 401 authentication required\r\n");
  EXPECT_EQ(send("STAT /abs\n"), "ERR 401 authentication required\r\n");
}

TEST_F(UploadServerTest, PrecedenceOnceAllowed) {
  store_.put("f", "old");
  connect(Options().max_size(5).no_overwrite());
  EXPECT_EQ(send("PUT 99 bad /abs\n"), "ERR 400 bad hash\r\n");
  EXPECT_EQ(send("PUT 99 " + kHelloHash + " /abs\n"), "ERR 403 absolute path\r\n");
  EXPECT_EQ(send("PUT 99 " + kHelloHash + " f\n"), "ERR 413 too large\r\n");
  EXPECT_EQ(send("PUT 99999999999999999999 " + kHelloHash + " f\n"), "ERR 413 too large\r\n");
  EXPECT_EQ(send("PUT 5 " + kHelloHash + " f\n"), "ERR 409 exists\r\n");
}

// ---- paths, for PUT and STAT

struct Refusal {
  std::string path;
  std::string reason;
};

std::vector<Refusal> refused_paths() {
  return {
      {"", "empty path"},
      {"/etc/passwd", "absolute path"},
      {"dir/", "path ends with /"},
      {"a//b", "empty path component"},
      {"a/./b", "'.' or '..' in path"},
      {"../etc", "'.' or '..' in path"},
      {"a/..", "'.' or '..' in path"},
      {std::string(256, 'x'), "path component over 255 bytes"},
      {std::string(1025, 'x'), "path over 1024 bytes"},
      {"a\tb", "control character in path"},
      {std::string("a\x01z"), "control character in path"},
      {"a\x7f", "control character in path"},
      {"a\\b", "backslash in path"},
      {"bad\xff", "path is not valid UTF-8"},
      {"\xc0\xaf", "path is not valid UTF-8"},
      {".pkup-1234", "names beginning with .pkup- are reserved"},
      {"d/.pkup-x/f", "names beginning with .pkup- are reserved"},
      {"a\rb", "control character in path"},
  };
}

TEST_F(UploadServerTest, PutRefusesEachBadPathWith403) {
  connect();
  for (const Refusal& refusal : refused_paths()) {
    EXPECT_EQ(send("PUT 5 " + kHelloHash + " " + refusal.path + "\n"),
              "ERR 403 " + refusal.reason + "\r\n")
        << refusal.path;
  }
  EXPECT_TRUE(store_.files().empty());
  EXPECT_FALSE(closed());
}

TEST_F(UploadServerTest, StatRefusesEachBadPathWith403) {
  connect();
  for (const Refusal& refusal : refused_paths()) {
    EXPECT_EQ(send("STAT " + refusal.path + "\n"), "ERR 403 " + refusal.reason + "\r\n")
        << refusal.path;
  }
}

TEST_F(UploadServerTest, PathsThroughALinkOutOfTheRootAre403) {
  store_.add_outside_link("escape");
  connect();
  EXPECT_EQ(send(put_line("hello", "escape/f")), "ERR 403 path leads out of the root\r\n");
  EXPECT_EQ(send(put_line("hello", "escape")), "ERR 403 path leads out of the root\r\n");
  EXPECT_EQ(send("STAT escape/f\n"), "ERR 403 path leads out of the root\r\n");
  EXPECT_EQ(store_.temporaries(), 0u);
}

// The path (403) comes before the size (413), the store's path rule too.
TEST_F(UploadServerTest, ALinkOutOfTheRootIs403EvenWhenTheSizeIsOverTheLimit) {
  store_.add_outside_link("escape");
  store_.put("f", "old");
  connect(Options().max_size(5));
  EXPECT_EQ(send("PUT 6 " + kHelloHash + " escape/f\n"), "ERR 403 path leads out of the root\r\n");
  EXPECT_EQ(send("PUT 99999999999999999999 " + kHelloHash + " escape\n"),
            "ERR 403 path leads out of the root\r\n");
  // Paths the store has no objection to still get 413, whether a file is there or not,
  // and nothing is created for them.
  EXPECT_EQ(send("PUT 6 " + kHelloHash + " f\n"), "ERR 413 too large\r\n");
  EXPECT_EQ(send("PUT 6 " + kHelloHash + " new/dir/g\n"), "ERR 413 too large\r\n");
  EXPECT_EQ(store_.files(), (std::map<std::string, std::string>{{"f", "old"}}));
  EXPECT_EQ(store_.temporaries(), 0u);
  EXPECT_FALSE(closed());
}

TEST_F(UploadServerTest, TooLargeWaitsForTheStoreLikeAnyPathCheck) {
  store_.add_outside_link("escape");
  connect(Options().max_size(5));
  transport_.receive("PUT 6 " + kHelloHash + " escape/f\nSTAT f\n");
  EXPECT_EQ(transport_.take(), "");
  EXPECT_TRUE(transport_.reading_paused());
  settle();
  EXPECT_EQ(transport_.take(), "ERR 403 path leads out of the root\r\nERR 404 not found\r\n");
}

TEST_F(UploadServerTest, TooLargeIsStill413WhenTheStoreFailsToLook) {
  connect(Options().max_size(5));
  store_.fail_next(MemoryUploadStore::Operation::stat,
                   Failure(std::make_error_code(std::errc::io_error), "disk gone"));
  EXPECT_EQ(send("PUT 6 " + kHelloHash + " f\n"), "ERR 413 too large\r\n");
}

TEST_F(UploadServerTest, LongestPathIsAccepted) {
  std::string path;
  while (path.size() + 201 <= 1024) path += std::string(200, 'p') + "/";
  path += std::string(1024 - path.size(), 'q');
  connect();
  EXPECT_EQ(send(put_line("hello", path)), "READY\r\n");
  EXPECT_EQ(send("hello"), "OK " + kHelloHash + "\r\n");
}

// ---- authentication

TEST_F(UploadServerTest, WithoutASecretAnyAuthIsOk) {
  connect();
  EXPECT_EQ(send("AUTH whatever\n"), "OK auth\r\n");
  EXPECT_EQ(send("AUTH \n"), "OK auth\r\n");
  EXPECT_EQ(send("STAT f\n"), "ERR 404 not found\r\n");
}

TEST_F(UploadServerTest, WithASecretCommandsWaitForAuth) {
  connect(Options().secret("s3cret"));
  EXPECT_EQ(send(put_line("hello", "f")), "ERR 401 authentication required\r\n");
  EXPECT_EQ(send("STAT f\n"), "ERR 401 authentication required\r\n");
  EXPECT_FALSE(closed());
  EXPECT_EQ(send("AUTH " + hmac_sha256_hex("s3cret", server_->nonce()) + "\n"), "OK auth\r\n");
  EXPECT_EQ(send(put_line("hello", "f")), "READY\r\n");
  EXPECT_EQ(send("hello"), "OK " + kHelloHash + "\r\n");
}

TEST_F(UploadServerTest, QuitNeedsNoAuth) {
  connect(Options().secret("s3cret"));
  EXPECT_EQ(send("QUIT\n"), "BYE\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, WrongMacAnswers401AndCloses) {
  connect(Options().secret("s3cret"));
  EXPECT_EQ(send("AUTH " + hmac_sha256_hex("guess", server_->nonce()) + "\nSTAT f\n"),
            "ERR 401 bad credentials\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, MacForAnotherNonceOrInUppercaseIsWrong) {
  connect(Options().secret("k"));
  std::string upper = hmac_sha256_hex("k", server_->nonce());
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(send("AUTH " + upper + "\n"), "ERR 401 bad credentials\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, EmptySecretStillRequiresAuth) {
  connect(Options().secret(""));
  EXPECT_EQ(send("STAT f\n"), "ERR 401 authentication required\r\n");
  EXPECT_EQ(send("AUTH " + hmac_sha256_hex("", server_->nonce()) + "\n"), "OK auth\r\n");
  EXPECT_EQ(send("STAT f\n"), "ERR 404 not found\r\n");
}

// ---- framing: CR LF, the 4096-byte limit, bodies of any content, pipelining

TEST_F(UploadServerTest, LinesEndInLfWithOrWithoutCr) {
  connect();
  EXPECT_EQ(send("STAT a\nSTAT b\r\n"), "ERR 404 not found\r\nERR 404 not found\r\n");
}

TEST_F(UploadServerTest, LineOf4096BytesIsReadAndOneMoreIsTooLong) {
  connect();
  const std::string line4096 = "STAT " + std::string(4096 - 5, 'a');
  EXPECT_EQ(send(line4096 + "\r\n"), "ERR 403 path over 1024 bytes\r\n");
  EXPECT_EQ(send(line4096 + "a\n"), "ERR 400 line too long\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, TooLongIsAnsweredBeforeTheLineEnds) {
  connect();
  EXPECT_EQ(send(std::string(5000, 'x')), "ERR 400 line too long\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, BodyMayHoldCommandsCrAndLf) {
  const std::string body("QUIT\r\nPUT 1 x y\n\r\n\0STAT a\n", 26);
  connect();
  EXPECT_EQ(send(put_line(body, "f")), "READY\r\n");
  EXPECT_EQ(send(body), "OK " + sha256_hex(body) + "\r\n");
  EXPECT_EQ(store_.files().at("f"), body);
  EXPECT_FALSE(closed());
}

TEST_F(UploadServerTest, CommandsPipelinedAfterABodyAreAnsweredInOrder) {
  connect();
  const std::string session = put_line("hello", "a") + "hello" + "STAT a\n" + put_line("xy", "b") +
                              "xy" + "STAT b\r\nQUIT\n";
  EXPECT_EQ(send(session), "READY\r\nOK " + kHelloHash + "\r\nOK 5 " + kHelloHash +
                               "\r\nREADY\r\nOK " + sha256_hex("xy") + "\r\nOK 2 " +
                               sha256_hex("xy") + "\r\nBYE\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, ByteByByteGivesTheSameAnswers) {
  connect();
  const std::string session = put_line("hel\nlo", "a") + "hel\nlo" + "STAT a\r\nQUIT\r\n";
  std::string answers;
  for (const char c : session) answers += send(std::string_view(&c, 1));
  EXPECT_EQ(answers, "READY\r\nOK " + sha256_hex("hel\nlo") + "\r\nOK 6 " + sha256_hex("hel\nlo") +
                         "\r\nBYE\r\n");
}

TEST_F(UploadServerTest, ManyCommandsOnOneConnection) {
  connect();
  for (int i = 0; i < 50; ++i) {
    const std::string content = "file " + std::to_string(i);
    const std::string path = "d/" + std::to_string(i);
    ASSERT_EQ(send(put_line(content, path) + content),
              "READY\r\nOK " + sha256_hex(content) + "\r\n");
    ASSERT_EQ(send("STAT " + path + "\n"),
              "OK " + std::to_string(content.size()) + " " + sha256_hex(content) + "\r\n");
  }
  EXPECT_EQ(store_.files().size(), 50u);
}

// ---- timeouts

TEST_F(UploadServerTest, IdleBetweenCommandsTimesOutWith408) {
  connect();
  context_.clock().advance(seconds(59.9));
  EXPECT_FALSE(closed());
  context_.clock().advance(seconds(0.1));
  EXPECT_EQ(transport_.take(), "ERR 408 timeout\r\n");
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, EachByteRestartsTheIdleTimer) {
  connect(Options().idle_timeout(std::chrono::seconds(10)));
  for (const char c : std::string_view("STAT ")) {
    context_.clock().advance(seconds(9));
    EXPECT_EQ(send(std::string_view(&c, 1)), "");
  }
  EXPECT_EQ(send("a\n"), "ERR 404 not found\r\n");
  context_.clock().advance(seconds(9.9));
  EXPECT_FALSE(closed());
  context_.clock().advance(seconds(0.1));
  EXPECT_EQ(transport_.take(), "ERR 408 timeout\r\n");
}

TEST_F(UploadServerTest, IdleMidBodyTimesOutAndDropsTheUpload) {
  store_.put("f", "old");
  connect();
  EXPECT_EQ(send(put_line("hello", "f")), "READY\r\n");
  EXPECT_EQ(send("hel"), "");
  context_.clock().advance(seconds(60));
  settle();
  EXPECT_EQ(transport_.take(), "ERR 408 timeout\r\n");
  EXPECT_TRUE(closed());
  EXPECT_EQ(store_.files().at("f"), "old");
  EXPECT_EQ(store_.temporaries(), 0u);
}

TEST_F(UploadServerTest, SlowBodyIsNotIdle) {
  connect();
  const std::string body(20, 'z');
  EXPECT_EQ(send(put_line(body, "slow")), "READY\r\n");
  std::string answers;
  for (const char c : body) {
    context_.clock().advance(seconds(50));
    answers += send(std::string_view(&c, 1));
  }
  EXPECT_EQ(answers, "OK " + sha256_hex(body) + "\r\n");
}

TEST_F(UploadServerTest, WaitingOnTheStoreIsNotIdle) {
  connect();
  transport_.receive(put_line("hello", "f"));
  context_.clock().advance(seconds(600));
  EXPECT_FALSE(closed());
  settle();
  EXPECT_EQ(transport_.take(), "READY\r\n");
  context_.clock().advance(seconds(60));
  EXPECT_EQ(transport_.take(), "ERR 408 timeout\r\n");
}

TEST_F(UploadServerTest, ZeroTimeoutMeansNone) {
  connect(Options().idle_timeout(Duration::zero()));
  context_.clock().advance(seconds(100000));
  EXPECT_FALSE(closed());
  EXPECT_EQ(context_.clock().pending(), 0u);
}

// ---- the store failing

TEST_F(UploadServerTest, FullStoreMidBodyAnswers507AfterTheBodyAndStaysUsable) {
  store_.set_capacity(3);
  connect();
  EXPECT_EQ(send(put_line("hello", "f")), "READY\r\n");
  EXPECT_EQ(send("hello"), "ERR 507 not enough space\r\n");
  EXPECT_TRUE(store_.files().empty());
  EXPECT_EQ(store_.temporaries(), 0u);
  EXPECT_EQ(send("STAT f\n"), "ERR 404 not found\r\n");
}

TEST_F(UploadServerTest, FullStoreWithMoreBodyToComeStillReadsTheBody) {
  store_.set_capacity(10);
  const std::string body(3 * UploadServer::append_size, 'b');
  connect();
  EXPECT_EQ(send(put_line(body, "big")), "READY\r\n");
  EXPECT_EQ(send(body.substr(0, UploadServer::append_size + 1)), "");
  EXPECT_EQ(send(body.substr(UploadServer::append_size + 1)), "ERR 507 not enough space\r\n");
  EXPECT_EQ(send("STAT big\n"), "ERR 404 not found\r\n");
}

TEST_F(UploadServerTest, StoreFailuresAnswer500WithTheReason) {
  connect();
  store_.fail_next(
      MemoryUploadStore::Operation::begin,
      Failure(std::make_error_code(std::errc::permission_denied), "cannot create d/f"));
  EXPECT_EQ(send(put_line("hello", "d/f")), "ERR 500 cannot create d/f\r\n");
  store_.fail_next(MemoryUploadStore::Operation::finish,
                   Failure(std::make_error_code(std::errc::io_error), "fsync failed"));
  EXPECT_EQ(send(put_line("hello", "d/f") + "hello"), "READY\r\nERR 500 fsync failed\r\n");
  store_.fail_next(MemoryUploadStore::Operation::stat,
                   Failure(upload_errc::store_failed, "cannot read\nit"));
  EXPECT_EQ(send("STAT d/f\n"), "ERR 500 cannot read it\r\n");
  EXPECT_FALSE(closed());
  EXPECT_TRUE(store_.files().empty());
}

// ---- back-pressure

TEST_F(UploadServerTest, StopsReadingWhileTheStoreIsBehind) {
  const std::size_t chunk = 16 * 1024;
  const std::string body(4 * UploadServer::max_held, 'm');
  connect();
  EXPECT_EQ(send(put_line(body, "big")), "READY\r\n");
  std::size_t sent = 0;
  // Send without letting the store work: reading stops once about max_held is held.
  while (sent < body.size() && !transport_.reading_paused()) {
    transport_.receive(std::string_view(body).substr(sent, chunk));
    sent += chunk;
  }
  EXPECT_TRUE(transport_.reading_paused());
  EXPECT_LT(sent, body.size());
  EXPECT_LE(context_.thread_pool().pending() * UploadServer::append_size,
            UploadServer::max_held + chunk);
  // More data waits in the transport, not in the server.
  transport_.receive(std::string_view(body).substr(sent, chunk));
  sent += chunk;
  EXPECT_LE(context_.thread_pool().pending() * UploadServer::append_size,
            UploadServer::max_held + chunk);
  // The store catches up: reading resumes and the rest goes through.
  while (sent < body.size()) {
    settle();
    transport_.receive(std::string_view(body).substr(sent, chunk));
    sent += chunk;
    EXPECT_LE(context_.thread_pool().pending() * UploadServer::append_size,
              UploadServer::max_held + 2 * chunk);
  }
  settle();
  EXPECT_EQ(transport_.take(), "OK " + sha256_hex(body) + "\r\n");
  EXPECT_EQ(store_.files().at("big"), body);
}

TEST_F(UploadServerTest, HeldBackIsNotIdle) {
  const std::string body(2 * UploadServer::max_held, 'h');
  connect();
  EXPECT_EQ(send(put_line(body, "big")), "READY\r\n");
  transport_.receive(body.substr(0, UploadServer::max_held + 1));
  EXPECT_TRUE(transport_.reading_paused());
  context_.clock().advance(seconds(120));
  EXPECT_FALSE(closed());
  settle();
  EXPECT_EQ(send(body.substr(UploadServer::max_held + 1)), "OK " + sha256_hex(body) + "\r\n");
}

// ---- connections cut at every state

TEST_F(UploadServerTest, CutAfterGreeting) {
  connect();
  transport_.lose_from_peer();
  settle();
  EXPECT_TRUE(closed());
  EXPECT_EQ(store_.temporaries(), 0u);
}

TEST_F(UploadServerTest, CutWhileWaitingForReady) {
  store_.put("f", "old");
  connect();
  transport_.receive(put_line("hello", "f"));
  transport_.lose_from_peer();
  settle();
  EXPECT_EQ(transport_.take(), "");
  EXPECT_EQ(store_.temporaries(), 0u);
  EXPECT_EQ(store_.files().at("f"), "old");
}

TEST_F(UploadServerTest, CutWhileWaitingForStat) {
  store_.put("f", "old");
  connect();
  transport_.receive("STAT f\n");
  transport_.lose_from_peer();
  settle();
  EXPECT_EQ(transport_.take(), "");
}

TEST_F(UploadServerTest, CutMidBodyDropsTheUploadAtEveryByte) {
  const std::string body = "0123456789";
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    MemoryUploadStore store;
    store.put("f", "old");
    fakes::FakeContext context(cut);
    fakes::StringTransport transport;
    transport.set_context(context);
    UploadServer server(store, {});
    transport.connect(server);
    transport.receive(put_line(body, "f") + body.substr(0, cut));
    context.thread_pool().run_all();
    transport.lose_from_peer();
    while (context.thread_pool().run_all() > 0) {
    }
    EXPECT_EQ(store.files().at("f"), "old") << cut;
    EXPECT_EQ(store.temporaries(), 0u) << cut;
    EXPECT_EQ(store.files().size(), 1u);
  }
}

TEST_F(UploadServerTest, CutWhileFinishingStillStoresACompleteBody) {
  connect();
  transport_.receive(put_line("hello", "f"));
  settle();
  transport_.receive("hello");  // complete: the store is committing
  transport_.lose_from_peer();
  settle();
  EXPECT_EQ(store_.temporaries(), 0u);
  // The client never heard OK, so it may not count on it; a complete, checked body is
  // stored whole (never partly).
  EXPECT_EQ(store_.files().at("f"), "hello");
}

TEST_F(UploadServerTest, HalfCloseMidBodyDropsTheUpload) {
  connect();
  EXPECT_EQ(send(put_line("hello", "f")), "READY\r\n");
  transport_.receive("he");
  transport_.receive_eof();
  settle();
  EXPECT_TRUE(closed());
  EXPECT_TRUE(store_.files().empty());
  EXPECT_EQ(store_.temporaries(), 0u);
}

TEST_F(UploadServerTest, HalfCloseAfterPipelinedCommandsAnswersThemThenCloses) {
  store_.put("a", "hello");
  connect();
  transport_.receive("STAT a\nSTAT b\n" + put_line("xy", "c") + "xy");
  transport_.receive_eof();
  settle();
  EXPECT_EQ(transport_.take(), "OK 5 " + kHelloHash + "\r\nERR 404 not found\r\nREADY\r\nOK " +
                                   sha256_hex("xy") + "\r\n");
  EXPECT_TRUE(closed());
  EXPECT_EQ(store_.files().at("c"), "xy");
}

TEST_F(UploadServerTest, HalfCloseBeforeReadyWithAnIncompleteBody) {
  connect();
  transport_.receive(put_line("hello", "f") + "he");
  transport_.receive_eof();
  settle();
  EXPECT_EQ(transport_.take(), "READY\r\n");
  EXPECT_TRUE(closed());
  EXPECT_EQ(store_.temporaries(), 0u);
  EXPECT_TRUE(store_.files().empty());
}

// ---- graceful stop

TEST_F(UploadServerTest, StopBetweenCommandsCloses) {
  connect();
  fakes::StringTransport::drive([&] { server_->stop_requested(); });
  EXPECT_TRUE(closed());
}

TEST_F(UploadServerTest, StopMidBodyLetsTheUploadFinish) {
  connect();
  EXPECT_EQ(send(put_line("hello", "f") + "he"), "READY\r\n");
  fakes::StringTransport::drive([&] { server_->stop_requested(); });
  EXPECT_FALSE(closed());
  EXPECT_EQ(send("llo"), "OK " + kHelloHash + "\r\n");
  EXPECT_TRUE(closed());
  EXPECT_EQ(store_.files().at("f"), "hello");
}

// ---- the factory the CLI uses

TEST(UploadServerFactory, BuildsServersWithTheOptions) {
  MemoryUploadStore store;
  store.put("f", "old");
  std::unique_ptr<Factory> factory =
      make_upload_server_factory(store, Options().max_size(3).no_overwrite());
  std::unique_ptr<Protocol> protocol = factory->build_protocol(Address::memory("peer"));
  ASSERT_NE(protocol, nullptr);
  fakes::FakeContext context(1);
  fakes::StringTransport transport;
  transport.set_context(context);
  transport.connect(*protocol);
  (void)transport.take();
  transport.receive(put_line("hello", "g") + put_line("ab", "f"));
  while (context.thread_pool().run_all() > 0) {
  }
  EXPECT_EQ(transport.take(), "ERR 413 too large\r\nERR 409 exists\r\n");
}

}  // namespace
}  // namespace kit::upload
