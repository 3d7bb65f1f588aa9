#include "protocols/http/response_gen.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace kit::http::testing {
namespace {

std::string hex(std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[n & 15]);
    n >>= 4;
  } while (n != 0);
  return out;
}

}  // namespace

// A valid response, framed one of the ways RFC 9112 allows, with LF or CRLF line ends.
rc::Gen<GeneratedResponse> valid_response() {
  return rc::gen::exec([] {
    GeneratedResponse g;
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
      g.close_delimited = !no_body;
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

}  // namespace kit::http::testing
