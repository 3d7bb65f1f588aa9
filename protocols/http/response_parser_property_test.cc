// ResponseParser properties: any chunking of a response gives the same events as the
// response fed whole (valid or broken), and a generated valid response parses back to the
// status and body it was made from, however it is framed.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "protocols/http/response_parser.h"
#include "protocols/http/response_recorder.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::http {
namespace {

struct Generated {
  std::string raw;
  int code = 200;
  std::string body;  // what the parser must deliver
  bool head = false;
};

std::string hex(std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[n & 15]);
    n >>= 4;
  } while (n != 0);
  return out;
}

// A valid response, framed one of the ways RFC 9112 allows, with LF or CRLF line ends.
rc::Gen<Generated> valid_response() {
  return rc::gen::exec([] {
    Generated g;
    const std::string eol = *rc::gen::element<std::string>("\r\n", "\r\n", "\n");
    g.head = *rc::gen::inRange(0, 6) == 0;
    g.code = *rc::gen::element(200, 201, 204, 301, 304, 404, 500);
    const int interim = *rc::gen::inRange(0, 3);
    for (int i = 0; i < interim; ++i) g.raw += "HTTP/1.1 100 Continue" + eol + eol;
    g.raw += "HTTP/1.1 " + std::to_string(g.code) + " Reason Phrase" + eol;
    const int fields = *rc::gen::inRange(0, 5);
    for (int i = 0; i < fields; ++i) {
      const std::string value = *rc::gen::container<std::string>(
          *rc::gen::inRange(0, 12), rc::gen::inRange<char>(0x21, 0x7f));
      g.raw += "X-F" + std::to_string(i) + ":" + *rc::gen::element<std::string>("", " ", "\t") +
               value + *rc::gen::element<std::string>("", " ") + eol;
    }
    const std::string body = *rc::gen::arbitrary<std::string>();
    const bool no_body = g.head || g.code == 204 || g.code == 304;
    const int framing = *rc::gen::inRange(0, 3);  // 0 length, 1 chunked, 2 until close
    if (framing == 0) {
      g.raw += "Content-Length: " + std::to_string(body.size()) + eol + eol;
      if (!no_body) g.raw += body;
    } else if (framing == 1) {
      g.raw += "Transfer-Encoding: chunked" + eol + eol;
      if (!no_body) {
        std::size_t at = 0;
        while (at < body.size()) {
          const std::size_t n = std::min<std::size_t>(*rc::gen::inRange(1, 40), body.size() - at);
          g.raw += hex(n) + *rc::gen::element<std::string>("", ";a", ";a=b", " ;q=\"x;y\"") + eol +
                   body.substr(at, n) + eol;
          at += n;
        }
        g.raw += "0" + eol;
        if (*rc::gen::inRange(0, 3) == 0) g.raw += "Trailer-X: t" + eol;
        g.raw += eol;
      }
    } else {
      g.raw += eol;
      if (!no_body) g.raw += body;
    }
    if (!no_body) g.body = body;
    return g;
  });
}

// A response, sometimes broken: a byte changed, inserted or removed, or cut short.
rc::Gen<std::string> maybe_broken_response() {
  return rc::gen::exec([] {
    std::string raw = (*valid_response()).raw;
    const int damage = *rc::gen::inRange(0, 5);
    if (!raw.empty() && damage > 0) {
      const std::size_t at = *rc::gen::inRange<std::size_t>(0, raw.size());
      const char c = *rc::gen::element<char>('\r', '\n', ' ', ':', ';', '0', 'x', '\0', '\x80');
      if (damage == 1) raw[at] = c;
      if (damage == 2) raw.insert(raw.begin() + static_cast<std::ptrdiff_t>(at), c);
      if (damage == 3) raw.erase(at, 1);
      if (damage == 4) raw.resize(at);
    }
    return raw;
  });
}

std::vector<std::string> events_of(const kit::testing::Chunking& chunks,
                                   const std::vector<bool>& heads, bool eof) {
  testing::ResponseRecorder recorder;
  ResponseParser parser(recorder);
  for (bool head : heads) parser.expect_response(head ? "HEAD" : "GET");
  for (const std::string& chunk : chunks) {
    if (parser.failed()) break;
    parser.feed(chunk);
  }
  if (eof) parser.feed_eof();
  return recorder.events;
}

RC_GTEST_PROP(ResponseParserProperty, AnyChunkingGivesTheSameEvents, ()) {
  const int count = *rc::gen::inRange(1, 4);
  std::string raw;
  std::vector<bool> heads;
  for (int i = 0; i < count; ++i) {
    raw += *maybe_broken_response();
    heads.push_back(*rc::gen::inRange(0, 5) == 0);
  }
  const bool eof = *rc::gen::arbitrary<bool>();
  const kit::testing::Chunking chunks = *kit::testing::gen::chunking(raw);
  RC_ASSERT(events_of(chunks, heads, eof) == events_of({raw}, heads, eof));
}

RC_GTEST_PROP(ResponseParserProperty, AValidResponseParsesToItsStatusAndBody, ()) {
  const Generated g = *valid_response();
  const kit::testing::Chunking chunks = *kit::testing::gen::chunking(g.raw);
  testing::ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response(g.head ? "HEAD" : "GET");
  for (const std::string& chunk : chunks) parser.feed(chunk);
  parser.feed_eof();
  RC_ASSERT(!recorder.error.has_value());
  RC_ASSERT(recorder.messages.size() == 1u);
  RC_ASSERT(recorder.messages[0].complete);
  RC_ASSERT(recorder.messages[0].code == g.code);
  RC_ASSERT(recorder.messages[0].body == g.body);
}

}  // namespace
}  // namespace kit::http
