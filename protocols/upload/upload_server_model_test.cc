// A model-based test of UploadServer (rc::state): random sequences of client commands --
// good PUTs, PUTs with a wrong hash, a bad hash, a refused path (each kind the spec
// lists), a size over the limit, to an existing file; STATs; malformed and unknown lines;
// AUTH right and wrong; QUIT; lines too long; idle timeouts; connections cut, half-closed
// or timed out in the middle of a body; several commands pipelined; another client on
// the same store while a body is half in -- run against a server on a StringTransport,
// a FakeContext and a MemoryUploadStore, and against a model written from
// specs/upload.md alone: a map from path to content, the server's options, and whether
// the connection is open and authenticated. Bytes arrive in random pieces, sometimes
// almost an idle timeout apart, and a body either after READY or right behind its PUT
// line.
//
// After each command the server's answer lines must be the model's, the store must hold
// exactly the model's files with no temporary left, and the connection must be open or
// closed as the model says. A closed connection is followed by a new one on the same
// store (a new greeting, a new nonce, no authentication).
//
// The model fixes an answer line whole where the spec fixes its text; where the spec
// leaves the text to the server (a 403's reason, most 400s) it fixes the code.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "protocols/upload/hmac_sha256.h"
#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_server.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::upload {
namespace {

constexpr std::string_view kSecret = "s3cret";
constexpr std::string_view kOutsideLink = "out";  // a symbolic link out of the root
const std::map<std::string, std::string> kInitialFiles = {{"a", "old a"}, {"d/c", "old c"}};

// ---- the model

struct Model {
  bool secret = false;
  bool overwrite = true;
  std::uint64_t max_size = 16;
  std::map<std::string, std::string> files;
  bool connected = true;  // false: the next command opens a new connection
  bool authenticated = false;
};

// An answer line the model expects: all of it, or (prefix) a beginning the spec fixes
// followed by text of the server's choosing.
struct Expect {
  std::string text;
  bool prefix = false;
  bool matches(std::string_view line) const {
    if (!prefix) return line == text;
    return line.size() > text.size() && line.substr(0, text.size()) == text;
  }
};

std::ostream& operator<<(std::ostream& os, const Expect& e) {
  return os << '"' << e.text << (e.prefix ? "...\"" : "\"");
}

Expect exactly(std::string text) { return {std::move(text), false}; }
Expect code(std::string_view number) { return {"ERR " + std::string(number) + " ", true}; }

// The spec's number syntax: decimal ASCII, no sign, no leading zeros ("0" is one).
bool is_number(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The value of a number, or nullopt when it does not fit in 64 bits.
std::optional<std::uint64_t> value_of(std::string_view s) {
  unsigned __int128 v = 0;
  for (char c : s) {
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > UINT64_MAX) return std::nullopt;
  }
  return static_cast<std::uint64_t>(v);
}

bool is_lower_hex(std::string_view s, std::size_t digits) {
  if (s.size() != digits) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_hash_form(std::string_view s) { return is_lower_hex(s, 64); }

// The path's components' prefixes: "d/e/f" gives "d", "d/e".
std::vector<std::string> parents(std::string_view path) {
  std::vector<std::string> out;
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    out.emplace_back(path.substr(0, slash));
  }
  return out;
}

bool through_outside_link(std::string_view path) {
  if (path == kOutsideLink) return true;
  for (const std::string& p : parents(path)) {
    if (p == kOutsideLink) return true;
  }
  return false;
}

// A path that cannot be a file on this store, though the spec's rules allow it: a parent
// is a file, or the path is a directory (it has files below it). The store refuses it
// (403) when it would have to create it.
bool cannot_be_a_file(const Model& m, std::string_view path) {
  for (const std::string& p : parents(path)) {
    if (m.files.count(p) != 0) return true;
  }
  const std::string below = std::string(path) + "/";
  const auto it = m.files.lower_bound(below);
  return it != m.files.end() && it->first.compare(0, below.size(), below) == 0;
}

bool needs_auth(const Model& m) { return m.secret && !m.authenticated; }

// A client's PUT: the fields as sent, and the body it sends after READY.
struct PutRequest {
  std::string size;
  std::string hash;
  std::string path;
  bool path_breaks_a_rule = false;  // one of the spec's path rules (not the store's)
  std::string body;                 // sent after READY; its size is `size`
  std::string line_end = "\n";

  std::string line() const { return "PUT " + size + " " + hash + " " + path + line_end; }
};

// The answer to a PUT line, in the spec's order of rules. nullopt: READY.
std::optional<Expect> refusal_of(const Model& m, const PutRequest& put) {
  if (!is_number(put.size)) return code("400");
  if (needs_auth(m)) return exactly("ERR 401 authentication required");
  if (!is_hash_form(put.hash)) return exactly("ERR 400 bad hash");
  if (put.path_breaks_a_rule || through_outside_link(put.path)) return code("403");
  const std::optional<std::uint64_t> size = value_of(put.size);
  if (!size || *size > m.max_size) return exactly("ERR 413 too large");
  if (cannot_be_a_file(m, put.path)) return code("403");
  if (!m.overwrite && m.files.count(put.path) != 0) return exactly("ERR 409 exists");
  return std::nullopt;
}

// The answer once the whole body is in.
Expect after_body(const PutRequest& put) {
  const std::string actual = sha256_hex(put.body);
  if (actual == put.hash) return exactly("OK " + actual);
  return exactly("ERR 422 checksum mismatch " + actual);
}

void close_connection(Model& m) {
  m.connected = false;
  m.authenticated = false;
}

// ---- the system: a server per connection, one store, one fake context

// The lines of what a server sent; each must end in CRLF.
std::vector<std::string> split_lines(const std::string& out) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < out.size()) {
    const std::size_t end = out.find("\r\n", at);
    RC_ASSERT(end != std::string::npos);
    lines.push_back(out.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

class Sut {
 public:
  explicit Sut(const Model& m, std::uint64_t seed) : context_(seed) {
    for (const auto& [path, content] : kInitialFiles) store_.put(path, content);
    store_.add_outside_link(std::string(kOutsideLink));
    if (m.secret) options_.secret.emplace(kSecret);
    options_.overwrite = m.overwrite;
    options_.max_size = m.max_size;
    connect();
  }

  // connect: a new connection on the same store; checks its greeting.
  void connect() {
    server_.reset();  // first: its timers go with it
    transport_ = std::make_unique<fakes::StringTransport>();
    transport_->set_context(context_);
    server_ = std::make_unique<UploadServer>(store_, options_);
    transport_->connect(*server_);
    const std::string greeting = transport_->take();
    RC_ASSERT(greeting.size() == 7 + 32 + 2);
    RC_ASSERT(greeting.substr(0, 7) == "PKUP/1 ");
    RC_ASSERT(greeting.substr(39) == "\r\n");
    const std::string previous = std::exchange(nonce_, greeting.substr(7, 32));
    RC_ASSERT(is_lower_hex(nonce_, 32));
    RC_ASSERT(nonce_ != previous);  // new for each connection
  }

  // send: the client sends `data` cut at `cuts` (offsets past its end are ignored); the
  // store does its work after each piece. A slow client lets almost the idle timeout
  // pass before each piece: never idle long enough to be cut off.
  void send(std::string_view data, std::vector<std::size_t> cuts = {}, bool slow = false) {
    if (data.empty()) return;
    std::sort(cuts.begin(), cuts.end());
    std::vector<std::size_t> inside;
    for (std::size_t c : cuts) {
      if (c > 0 && c < data.size() && (inside.empty() || c > inside.back())) inside.push_back(c);
    }
    for (const std::string& chunk : testing::split_at(data, inside)) {
      if (!transport_->connected()) break;
      if (slow) context_.clock().advance(options_.idle_timeout - std::chrono::milliseconds(1));
      transport_->receive(chunk);
      settle();
    }
  }

  void settle() {
    while (context_.thread_pool().run_all() > 0) {
    }
  }

  // answers: the lines the server sent since the last call; each must end in CRLF.
  std::vector<std::string> answers() { return split_lines(transport_->take()); }

  fakes::FakeContext& context() { return context_; }
  fakes::StringTransport& transport() { return *transport_; }
  MemoryUploadStore& store() { return store_; }
  const std::string& nonce() const { return nonce_; }
  bool connected() const { return transport_->connected(); }

  // side: a second client on the same store, while the main connection stays as it is:
  // it sends what `input` makes of its greeting's nonce, then goes away. Returns the
  // answers it got, greeting aside.
  std::vector<std::string> side(const std::function<std::string(const std::string&)>& input) {
    fakes::StringTransport transport;
    transport.set_context(context_);
    UploadServer server(store_, options_);
    transport.connect(server);
    const std::string greeting = transport.take();
    RC_ASSERT(greeting.size() == 7 + 32 + 2);
    transport.receive(input(greeting.substr(7, 32)));
    settle();
    std::vector<std::string> lines = split_lines(transport.take());
    if (transport.connected()) transport.lose_from_peer();
    settle();
    return lines;
  }

 private:
  fakes::FakeContext context_;
  MemoryUploadStore store_;
  UploadServerOptions options_;
  std::unique_ptr<fakes::StringTransport> transport_;
  std::unique_ptr<UploadServer> server_;
  std::string nonce_;
};

void assert_lines(const std::vector<std::string>& lines, const std::vector<Expect>& expected) {
  RC_LOG() << "answers:";
  for (const std::string& line : lines) RC_LOG() << " \"" << line << "\"";
  RC_LOG() << "; expected:";
  for (const Expect& e : expected) RC_LOG() << " " << e;
  RC_LOG() << "\n";
  RC_ASSERT(lines.size() == expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) RC_ASSERT(expected[i].matches(lines[i]));
}

void assert_answers(Sut& sut, const std::vector<Expect>& expected) {
  assert_lines(sut.answers(), expected);
}

// ---- generators

std::string gen_line_end() { return *rc::gen::element<std::string>("\n", "\r\n"); }

std::vector<std::size_t> gen_cuts(std::size_t size) {
  return *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, size + 1));
}

// Paths the spec's rules allow; on this store some still cannot be stored ("a/x" while
// "a" is a file, "d" while "d/c" exists) or lead out of the root ("out", "out/f").
std::string gen_allowed_path(const Model& m) {
  static const std::vector<std::string> pool = {
      "a",     "b", "d/c",       "d/e f",       "x y/z", "\xc3\xa9t\xc3\xa9.txt",
      "a/x",   "d", "new/dir/f", "out",         "out/f", "n/" + std::string(255, 'p'),
      "a.b c", "-", "d/.pkupx",  "pkup-/.pkup", "..a",   "a/.b"};
  if (!m.files.empty() && *rc::gen::inRange(0, 3) == 0) {
    std::vector<std::string> existing;
    for (const auto& [path, content] : m.files) existing.push_back(path);
    return *rc::gen::elementOf(existing);
  }
  return *rc::gen::elementOf(pool);
}

// Paths breaking one of the spec's rules, with the rule each breaks.
struct RuleBreaker {
  std::string path;
  const char* rule;
};

std::string gen_refused_path() {
  static const std::string c255(255, 'l');
  static const std::vector<RuleBreaker> pool = {
      {"", "empty"},
      {"/etc/passwd", "starts with /"},
      {"dir/", "ends with /"},
      {"a//b", "an empty component"},
      {".", "a . component"},
      {"a/./b", "a . component"},
      {"../x", "a .. component"},
      {"a/..", "a .. component"},
      {std::string(256, 'c'), "a component over 255 bytes"},
      {c255 + "/" + c255 + "/" + c255 + "/" + c255 + "/xx", "1026 bytes in all"},
      {"a\x01z", "a byte below 0x20"},
      {"a\tb", "a byte below 0x20"},
      {"a\rb", "a byte below 0x20 (a CR not before the LF stays)"},
      {"a\x7f", "0x7F"},
      {"a\\b", "a backslash"},
      {"\xff", "not UTF-8"},
      {"\xc0\xaf", "not UTF-8 (overlong)"},
      {"\xed\xa0\x80", "not UTF-8 (a surrogate)"},
      {"\xf4\x90\x80\x80", "not UTF-8 (above U+10FFFF)"},
      {"\xe2\x82", "not UTF-8 (cut short)"},
      {".pkup-1", "reserved name"},
      {"d/.pkup-x/f", "reserved name"},
  };
  return pool[*rc::gen::inRange<std::size_t>(0, pool.size())].path;
}

std::string gen_body(std::uint64_t max_size, std::size_t at_least = 0) {
  const auto size =
      *rc::gen::inRange<std::size_t>(at_least, static_cast<std::size_t>(max_size) + 1);
  switch (*rc::gen::inRange(0, 3)) {
    case 0: {  // bytes that look like commands and line ends
      std::string body;
      static const std::string tricky = "QUIT\r\nPUT 1 ";
      while (body.size() < size) body += tricky.substr(0, size - body.size());
      return body;
    }
    default:
      return *rc::gen::container<std::string>(size, rc::gen::arbitrary<char>());
  }
}

// A hash of the wrong form: uppercase, too short or long, not hex, empty.
std::string gen_bad_hash() {
  std::string good = sha256_hex("x");
  std::string upper = good;
  for (char& c : upper) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  const std::vector<std::string> bad = {upper, good.substr(1), good + "0", std::string(64, 'g'),
                                        "",    "xyz"};
  return *rc::gen::elementOf(bad);
}

std::string gen_size_over(std::uint64_t max_size) {
  switch (*rc::gen::inRange(0, 3)) {
    case 0:
      return std::to_string(max_size + *rc::gen::inRange<std::uint64_t>(1, 1000));
    case 1:
      return "18446744073709551615";  // the largest 64-bit number: still over the limit
    default:
      return *rc::gen::element<std::string>("18446744073709551616",  // 2^64: over 64 bits
                                            "99999999999999999999999999");
  }
}

// ---- steps: one client command each, as the model sees it

// What a command sends and what the model expects back, in the state before it.
struct Exchange {
  std::string line;    // with its line end
  Expect answer;       // to the line
  bool ready = false;  // a PUT answered READY: `body` follows, then `final`
  std::string body;
  Expect final;
};

class Step {
 public:
  virtual ~Step() = default;
  // exchange: the line for `sut`'s connection (an AUTH's mac needs its nonce) and the
  // answers the model predicts from `m`.
  virtual Exchange exchange(const Model& m, const Sut& sut) const = 0;
  // update: the command's effect on the model, on an open connection.
  virtual void update(Model& m) const = 0;
  virtual void show(std::ostream& os) const = 0;
  // size: about how many bytes it sends, for cutting them into pieces.
  virtual std::size_t size() const = 0;
};

class PutStep : public Step {
 public:
  enum class Kind { good, wrong_hash, bad_hash, refused_path, too_large, existing };

  PutStep(const Model& m, Kind kind) : kind_(kind) {
    put_.line_end = gen_line_end();
    put_.body = gen_body(m.max_size);
    put_.size = std::to_string(put_.body.size());
    put_.hash = sha256_hex(put_.body);
    put_.path = gen_allowed_path(m);
    switch (kind) {
      case Kind::good:
        break;
      case Kind::wrong_hash:
        put_.hash = sha256_hex(put_.body + "!");
        break;
      case Kind::bad_hash:  // before the path and the size
        put_.hash = gen_bad_hash();
        if (*rc::gen::arbitrary<bool>()) put_.size = gen_size_over(m.max_size);
        if (*rc::gen::arbitrary<bool>()) set_refused_path();
        break;
      case Kind::refused_path:  // before the size
        set_refused_path();
        if (*rc::gen::arbitrary<bool>()) put_.size = gen_size_over(m.max_size);
        break;
      case Kind::too_large:  // after the path: "out" is refused first
        put_.size = gen_size_over(m.max_size);
        break;
      case Kind::existing:
        if (!m.files.empty()) {
          std::vector<std::string> existing;
          for (const auto& [path, content] : m.files) existing.push_back(path);
          put_.path = *rc::gen::elementOf(existing);
        }
        break;
    }
  }

  Exchange exchange(const Model& m, const Sut&) const override {
    Exchange e;
    e.line = put_.line();
    const std::optional<Expect> refusal = refusal_of(m, put_);
    e.answer = refusal ? *refusal : exactly("READY");
    e.ready = !refusal;
    e.body = put_.body;
    e.final = after_body(put_);
    return e;
  }

  void update(Model& m) const override {
    if (refusal_of(m, put_)) return;
    if (sha256_hex(put_.body) == put_.hash) m.files[put_.path] = put_.body;
  }

  void show(std::ostream& os) const override {
    static const char* names[] = {"good",         "wrong_hash", "bad_hash",
                                  "refused_path", "too_large",  "existing"};
    os << "PUT(" << names[static_cast<int>(kind_)] << ") " << put_.size << " "
       << put_.hash.substr(0, 8) << "... \"" << put_.path.substr(0, 40) << "\" body "
       << put_.body.size() << " bytes";
  }

  std::size_t size() const override { return put_.line().size() + put_.body.size(); }

 private:
  void set_refused_path() {
    put_.path = gen_refused_path();
    put_.path_breaks_a_rule = true;
  }

  Kind kind_;
  PutRequest put_;
};

template <PutStep::Kind kKind>
struct PutOf : PutStep {
  explicit PutOf(const Model& m) : PutStep(m, kKind) {}
};

class StatStep : public Step {
 public:
  explicit StatStep(const Model& m) {
    refused_ = *rc::gen::inRange(0, 4) == 0;
    path_ = refused_ ? gen_refused_path() : gen_allowed_path(m);
    line_ = "STAT " + path_ + gen_line_end();
  }

  Exchange exchange(const Model& m, const Sut&) const override {
    Exchange e;
    e.line = line_;
    if (needs_auth(m)) {
      e.answer = exactly("ERR 401 authentication required");
    } else if (refused_ || through_outside_link(path_)) {
      e.answer = code("403");
    } else if (const auto it = m.files.find(path_); it == m.files.end()) {
      e.answer = exactly("ERR 404 not found");
    } else {
      e.answer = exactly("OK " + std::to_string(it->second.size()) + " " + sha256_hex(it->second));
    }
    return e;
  }

  void update(Model&) const override {}
  void show(std::ostream& os) const override { os << "STAT \"" << path_.substr(0, 40) << "\""; }
  std::size_t size() const override { return line_.size(); }

 private:
  bool refused_ = false;
  std::string path_;
  std::string line_;
};

// Lines that break the syntax (400, before authentication) or name no command.
class MalformedStep : public Step {
 public:
  MalformedStep() {
    const std::string h = sha256_hex("x");
    static const std::vector<std::string> unknown = {
        "",      "HELLO", "put 1 2 3",      " PUT 1 2 3", "PUT\t1 2 3", "STATS a",
        "QUITS", "AUTHx", "GET / HTTP/1.1", "BYE",        "OK auth",    "\x80\xff"};
    const std::vector<std::string> malformed = {"PUT",
                                                "PUT ",
                                                "PUT 5",
                                                "PUT 5 " + h,
                                                "PUT +5 " + h + " f",
                                                "PUT -5 " + h + " f",
                                                "PUT 05 " + h + " f",
                                                "PUT 00 " + h + " f",
                                                "PUT  5 " + h + " f",
                                                "PUT 5a " + h + " f",
                                                "PUT 0x5 " + h + " f",
                                                "PUT 1e3 " + h + " f",
                                                "STAT",
                                                "AUTH",
                                                "QUIT now",
                                                "QUIT "};
    unknown_ = *rc::gen::arbitrary<bool>();
    line_ =
        (unknown_ ? *rc::gen::elementOf(unknown) : *rc::gen::elementOf(malformed)) + gen_line_end();
  }

  Exchange exchange(const Model&, const Sut&) const override {
    Exchange e;
    e.line = line_;
    // The spec fixes the text of an unknown command's answer; a broken one is a 400.
    e.answer = unknown_ ? exactly("ERR 400 unknown command") : code("400");
    return e;
  }

  void update(Model&) const override {}
  void show(std::ostream& os) const override { os << "malformed \"" << line_ << "\""; }
  std::size_t size() const override { return line_.size(); }

 private:
  bool unknown_ = false;
  std::string line_;
};

class AuthStep : public Step {
 public:
  enum class Kind { good, wrong_key, uppercase, garbage };

  AuthStep() {
    kind_ =
        *rc::gen::element(Kind::good, Kind::good, Kind::wrong_key, Kind::uppercase, Kind::garbage);
    line_end_ = gen_line_end();
  }

  Exchange exchange(const Model& m, const Sut& sut) const override {
    // The mac is computed from the greeting, as a client would.
    std::string mac = hmac_sha256_hex(kSecret, sut.nonce());
    switch (kind_) {
      case Kind::good:
        break;
      case Kind::wrong_key:
        mac = hmac_sha256_hex("guess", sut.nonce());
        break;
      case Kind::uppercase:
        for (char& c : mac) {
          if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
        }
        break;
      case Kind::garbage:
        mac = std::string(64, 'z');
        break;
    }
    Exchange e;
    e.line = "AUTH " + mac + line_end_;
    e.answer =
        !m.secret || kind_ == Kind::good ? exactly("OK auth") : exactly("ERR 401 bad credentials");
    return e;
  }

  void update(Model& m) const override {
    if (!m.secret) return;
    if (kind_ == Kind::good) {
      m.authenticated = true;
    } else {
      close_connection(m);
    }
  }

  void show(std::ostream& os) const override {
    static const char* names[] = {"good", "wrong_key", "uppercase", "garbage"};
    os << "AUTH(" << names[static_cast<int>(kind_)] << ")";
  }

  std::size_t size() const override { return 5 + 64 + line_end_.size(); }

 private:
  Kind kind_;
  std::string line_end_;
};

class QuitStep : public Step {
 public:
  QuitStep() : line_("QUIT" + gen_line_end()) {}

  Exchange exchange(const Model&, const Sut&) const override {
    Exchange e;
    e.line = line_;
    e.answer = exactly("BYE");
    return e;
  }

  void update(Model& m) const override { close_connection(m); }
  void show(std::ostream& os) const override { os << "QUIT"; }
  std::size_t size() const override { return line_.size(); }

 private:
  std::string line_;
};

// A control line over 4096 bytes is answered `ERR 400 line too long` and closes; one of
// exactly 4096 (a STAT of a path over 1024 bytes) is read.
class LongLineStep : public Step {
 public:
  LongLineStep() {
    too_long_ = *rc::gen::arbitrary<bool>();
    const std::size_t length =
        too_long_ ? *rc::gen::inRange<std::size_t>(4097, 4200) : UploadServer::max_line;
    line_ = "STAT " + std::string(length - 5, 'a');
    if (!too_long_ || *rc::gen::arbitrary<bool>()) line_ += gen_line_end();
  }

  Exchange exchange(const Model& m, const Sut&) const override {
    Exchange e;
    e.line = line_;
    if (too_long_) {
      e.answer = exactly("ERR 400 line too long");
    } else {
      e.answer = needs_auth(m) ? exactly("ERR 401 authentication required") : code("403");
    }
    return e;
  }

  void update(Model& m) const override {
    if (too_long_) close_connection(m);
  }

  void show(std::ostream& os) const override { os << "long line of " << line_.size() << " bytes"; }
  std::size_t size() const override { return line_.size(); }

 private:
  bool too_long_ = false;
  std::string line_;
};

// ---- commands

using Command = rc::state::Command<Model, Sut>;

// Every command opens a new connection first when the last one closed, then does its
// part (act); afterwards the store and the connection must be as the model says.
class ModelCommand : public Command {
 public:
  void apply(Model& m) const final {
    if (!m.connected) m.connected = true;  // a new connection: not authenticated
    update(m);
  }

  void run(const Model& s0, Sut& sut) const final {
    Model before = s0;
    if (!before.connected) {
      sut.connect();
      before.connected = true;
      before.authenticated = false;
    }
    act(before, sut);
    const Model after = nextState(s0);
    RC_ASSERT(sut.store().files() == after.files);
    RC_ASSERT(sut.store().temporaries() == 0u);
    RC_ASSERT(sut.connected() == after.connected);
  }

 protected:
  // update: the command's effect on the model, on an open connection.
  virtual void update(Model& m) const = 0;
  // act: sends the command and checks the answers against `m` (the state before it).
  virtual void act(const Model& m, Sut& sut) const = 0;
};

// One step, its bytes cut into random pieces. A client waits for READY before sending
// a body, or (eager) sends it right behind the PUT line: the bytes after the line are the
// body once READY is sent either way. A slow client lets almost the idle timeout pass
// before each piece.
template <typename StepT>
class One : public ModelCommand {
 public:
  explicit One(const Model& m) : step_(make(m)) {
    cuts_ = gen_cuts(step_.size());
    slow_ = *rc::gen::inRange(0, 4) == 0;
    eager_ = *rc::gen::inRange(0, 3) == 0;
  }

  void show(std::ostream& os) const override {
    step_.show(os);
    if (slow_) os << ", slow";
    if (eager_) os << ", eager";
  }

 protected:
  void update(Model& m) const override { step_.update(m); }

  void act(const Model& m, Sut& sut) const override {
    const Exchange e = step_.exchange(m, sut);
    if (!e.ready) {
      sut.send(e.line, cuts_, slow_);
      assert_answers(sut, {e.answer});
      return;
    }
    if (eager_ || e.body.empty()) {  // a zero-byte body: nothing to wait for
      sut.send(e.line + e.body, cuts_, slow_);
      assert_answers(sut, {e.answer, e.final});
      return;
    }
    sut.send(e.line, cuts_, slow_);
    assert_answers(sut, {e.answer});
    std::vector<std::size_t> body_cuts;
    for (std::size_t c : cuts_) {
      if (c > e.line.size()) body_cuts.push_back(c - e.line.size());
    }
    sut.send(e.body, body_cuts, slow_);
    assert_answers(sut, {e.final});
  }

 private:
  static StepT make(const Model& m) {
    if constexpr (std::is_constructible_v<StepT, const Model&>) {
      return StepT(m);
    } else {
      return StepT();
    }
  }

  StepT step_;
  std::vector<std::size_t> cuts_;
  bool slow_ = false;
  bool eager_ = false;
};

// Several steps sent back to back (bodies right behind their PUT lines), in random
// pieces: answered in order; after one that closes, the rest are not read. Then,
// sometimes, the client half-closes: what was sent is answered, then the server closes.
class Pipelined : public ModelCommand {
 public:
  explicit Pipelined(const Model& m) {
    const int n = *rc::gen::inRange(2, 6);
    std::size_t size = 0;
    for (int i = 0; i < n; ++i) {
      steps_.push_back(gen_step(m));
      size += steps_.back()->size();
    }
    cuts_ = gen_cuts(size);
    eof_ = *rc::gen::inRange(0, 3) == 0;
  }

  void show(std::ostream& os) const override {
    os << "pipelined {";
    for (const auto& step : steps_) {
      os << " ";
      step->show(os);
      os << ";";
    }
    os << (eof_ ? " } then EOF" : " }");
  }

 protected:
  void update(Model& m) const override {
    for (const auto& step : steps_) {
      if (!m.connected) return;
      step->update(m);
    }
    if (eof_) close_connection(m);
  }

  void act(const Model& m, Sut& sut) const override {
    Model now = m;
    std::string bytes;
    std::vector<Expect> expected;
    for (const auto& step : steps_) {
      const Exchange e = step->exchange(now, sut);
      bytes += e.line;
      if (!now.connected) continue;  // sent, never read
      expected.push_back(e.answer);
      if (e.ready) {
        bytes += e.body;
        expected.push_back(e.final);
      }
      step->update(now);
    }
    sut.send(bytes, cuts_);
    if (eof_ && sut.connected()) {
      sut.transport().receive_eof();
      sut.settle();
    }
    assert_answers(sut, expected);
  }

 private:
  static std::shared_ptr<const Step> gen_step(const Model& m) {
    switch (*rc::gen::inRange(0, 9)) {
      case 0:
        return std::make_shared<PutStep>(m, PutStep::Kind::good);
      case 1:
        return std::make_shared<PutStep>(m, PutStep::Kind::wrong_hash);
      case 2:
        return std::make_shared<PutStep>(
            m, *rc::gen::element(PutStep::Kind::bad_hash, PutStep::Kind::refused_path,
                                 PutStep::Kind::too_large, PutStep::Kind::existing));
      case 3:
      case 4:
        return std::make_shared<StatStep>(m);
      case 5:
        return std::make_shared<MalformedStep>();
      case 6:
        return std::make_shared<AuthStep>();
      case 7:
        return std::make_shared<QuitStep>();
      default:
        return std::make_shared<LongLineStep>();
    }
  }

  std::vector<std::shared_ptr<const Step>> steps_;
  std::vector<std::size_t> cuts_;
  bool eof_ = false;
};

// The client sends nothing for the idle timeout (60 s by default), between commands or
// after part of a line.
class Idle : public ModelCommand {
 public:
  Idle() {
    static const std::vector<std::string> partial = {"", "S", "STAT a", "PUT 5 ", "QUIT", "AUTH x"};
    partial_ = *rc::gen::elementOf(partial);
  }

  void show(std::ostream& os) const override { os << "idle after \"" << partial_ << "\""; }

 protected:
  void update(Model& m) const override { close_connection(m); }
  void act(const Model&, Sut& sut) const override {
    sut.send(partial_);
    assert_answers(sut, {});
    sut.context().clock().advance(UploadServerOptions().idle_timeout);
    sut.settle();
    assert_answers(sut, {exactly("ERR 408 timeout")});
  }

 private:
  std::string partial_;
};

// A PUT whose body stops short: the connection breaks, the client half-closes, or it
// goes idle. Nothing appears at the path and a file there stays as it was.
class CutMidBody : public ModelCommand {
 public:
  enum class How { lost, eof, idle };

  explicit CutMidBody(const Model& m) {
    how_ = *rc::gen::element(How::lost, How::eof, How::idle);
    put_.line_end = gen_line_end();
    put_.body = gen_body(m.max_size, /*at_least=*/1);
    put_.size = std::to_string(put_.body.size());
    put_.hash = sha256_hex(put_.body);
    put_.path = gen_allowed_path(m);
    sent_ = *rc::gen::inRange<std::size_t>(0, put_.body.size());
    cuts_ = gen_cuts(sent_);
  }

  void show(std::ostream& os) const override {
    static const char* names[] = {"lost", "eof", "idle"};
    os << "PUT " << put_.size << " \"" << put_.path.substr(0, 40) << "\", " << sent_
       << " body bytes, then " << names[static_cast<int>(how_)];
  }

 protected:
  void update(Model& m) const override { close_connection(m); }

  void act(const Model& m, Sut& sut) const override {
    sut.send(put_.line());
    const std::optional<Expect> refusal = refusal_of(m, put_);
    assert_answers(sut, {refusal ? *refusal : exactly("READY")});
    if (!refusal) {
      sut.send(std::string_view(put_.body).substr(0, sent_), cuts_);
      assert_answers(sut, {});
    }
    switch (how_) {
      case How::lost:
        sut.transport().lose_from_peer();
        break;
      case How::eof:
        sut.transport().receive_eof();
        break;
      case How::idle:
        sut.context().clock().advance(UploadServerOptions().idle_timeout);
        break;
    }
    sut.settle();
    if (how_ == How::idle) {
      assert_answers(sut, {exactly("ERR 408 timeout")});
    } else {
      assert_answers(sut, {});
    }
  }

 private:
  How how_;
  PutRequest put_;
  std::size_t sent_ = 0;
  std::vector<std::size_t> cuts_;
};

// Another client on the same store while a PUT's body is half in: its STAT sees the
// path as it was (nothing appears at a final path before the body is whole), and it may
// store the same path completely first. Then the first body ends: with overwrite its
// file replaces the other; without, the first upload answers 409 and the other's file
// stays (the spec checks an existing file before READY and says never to replace one
// without overwrite; it does not name the answer for one that appeared during the body).
class Overlap : public ModelCommand {
 public:
  explicit Overlap(const Model& m) {
    put_.body = gen_body(m.max_size, /*at_least=*/1);
    put_.size = std::to_string(put_.body.size());
    put_.hash = sha256_hex(put_.body);
    put_.path = gen_allowed_path(m);
    sent_ = *rc::gen::inRange<std::size_t>(0, put_.body.size());
    if (*rc::gen::arbitrary<bool>()) {
      race_ = put_;
      race_->body = gen_body(m.max_size);
      race_->size = std::to_string(race_->body.size());
      race_->hash = sha256_hex(race_->body);
    }
  }

  void show(std::ostream& os) const override {
    os << "PUT " << put_.size << " \"" << put_.path.substr(0, 40) << "\", " << sent_
       << " body bytes; another client STATs it" << (race_ ? " and PUTs it" : "")
       << "; the rest of the body";
  }

 protected:
  void update(Model& m) const override {
    const bool ready = !refusal_of(m, put_);
    const Model other = side_model(m);
    const bool appeared = race_stored(other) && m.files.count(put_.path) == 0;
    if (race_stored(other)) m.files[put_.path] = race_->body;
    if (ready && !(appeared && !m.overwrite)) m.files[put_.path] = put_.body;
  }

  void act(const Model& m, Sut& sut) const override {
    const std::optional<Expect> refusal = refusal_of(m, put_);
    sut.send(put_.line());
    assert_answers(sut, {refusal ? *refusal : exactly("READY")});
    if (!refusal) {
      sut.send(std::string_view(put_.body).substr(0, sent_));
      assert_answers(sut, {});
    }
    // The other client, authenticated when a secret is set.
    const Model other = side_model(m);
    std::vector<Expect> expected;
    if (m.secret) expected.push_back(exactly("OK auth"));
    const auto it = m.files.find(put_.path);
    if (through_outside_link(put_.path)) {
      expected.push_back(code("403"));
    } else if (it == m.files.end()) {
      expected.push_back(exactly("ERR 404 not found"));
    } else {
      expected.push_back(
          exactly("OK " + std::to_string(it->second.size()) + " " + sha256_hex(it->second)));
    }
    if (race_) {
      const std::optional<Expect> race_refusal = refusal_of(other, *race_);
      expected.push_back(race_refusal ? *race_refusal : exactly("READY"));
      if (!race_refusal) expected.push_back(after_body(*race_));
    }
    expected.push_back(exactly("BYE"));
    const std::vector<std::string> lines = sut.side([&](const std::string& nonce) {
      std::string input;
      if (m.secret) input += "AUTH " + hmac_sha256_hex(kSecret, nonce) + "\n";
      input += "STAT " + put_.path + "\n";
      if (race_) {
        input += race_->line();
        if (!refusal_of(other, *race_)) input += race_->body;
      }
      return input + "QUIT\n";
    });
    assert_lines(lines, expected);
    if (refusal) return;
    sut.send(std::string_view(put_.body).substr(sent_));
    const bool appeared = race_stored(other) && m.files.count(put_.path) == 0;
    assert_answers(sut, {appeared && !m.overwrite ? exactly("ERR 409 exists") : after_body(put_)});
  }

 private:
  // The other client's view: the same files, authenticated.
  static Model side_model(const Model& m) {
    Model other = m;
    other.authenticated = true;
    return other;
  }

  bool race_stored(const Model& other) const {
    return race_ && !refusal_of(other, *race_) && sha256_hex(race_->body) == race_->hash;
  }

  PutRequest put_;
  std::size_t sent_ = 0;
  std::optional<PutRequest> race_;
};

// ---- the property

RC_GTEST_PROP(UploadServerModel, AnswersAndFilesFollowTheSpec, ()) {
  Model initial;
  initial.secret = *rc::gen::arbitrary<bool>();
  initial.overwrite = *rc::gen::arbitrary<bool>();
  initial.max_size = *rc::gen::inRange<std::uint64_t>(1, 24);
  initial.files = kInitialFiles;
  RC_TAG(initial.secret ? "secret" : "no secret", initial.overwrite ? "overwrite" : "no overwrite");
  Sut sut(initial, *rc::gen::arbitrary<std::uint64_t>());
  using K = PutStep::Kind;
  rc::state::check(
      initial, sut,
      rc::state::gen::execOneOfWithArgs<
          One<PutOf<K::good>>, One<PutOf<K::good>>, One<PutOf<K::wrong_hash>>,
          One<PutOf<K::bad_hash>>, One<PutOf<K::refused_path>>, One<PutOf<K::too_large>>,
          One<PutOf<K::existing>>, One<StatStep>, One<StatStep>, One<MalformedStep>, One<AuthStep>,
          One<AuthStep>, One<QuitStep>, One<LongLineStep>, Pipelined, Pipelined, Idle, CutMidBody,
          Overlap>());
}

}  // namespace
}  // namespace kit::upload
