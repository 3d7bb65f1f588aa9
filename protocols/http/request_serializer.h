// RequestSerializer: the bytes of one HTTP/1.1 request (RFC 9112 3, 6, 7), checked.
//
// It writes the request line, Host, User-Agent, the caller's fields and the body framing
// (Content-Length, or Transfer-Encoding: chunked with a chunk writer), and refuses what
// would put malformed bytes on the wire: a method or field name that is not a token, a
// target or value with CR, LF, NUL or another control character, framing fields set by
// hand, more or fewer body bytes than declared. Every refusal is a RequestError (caller
// misuse) thrown before any byte of the offending piece is written, so the output so far
// is always a well-formed prefix; after a refusal of finish() the caller must abort the
// connection rather than send more.
//
//   RequestSerializer request({.method = "POST", .target = "/up", .host = "example.com"},
//                             RequestBody::chunked());
//   std::string out = request.head();
//   request.write_body("hello", out);
//   request.finish(out);
//
// Thread safety: one thread at a time.
#ifndef KIT_PROTOCOLS_HTTP_REQUEST_SERIALIZER_H_
#define KIT_PROTOCOLS_HTTP_REQUEST_SERIALIZER_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kit::http {

// RequestError: the caller asked for a request that cannot be sent as asked.
class RequestError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Field {
  std::string name;
  std::string value;
};

struct RequestHead {
  std::string method = "GET";
  std::string target = "/";             // origin-form ("/path?q"), or absolute-form for a proxy
  std::string host;                     // required: RFC 9112 3.2
  std::string user_agent = "protokit";  // empty: no User-Agent field
  std::vector<Field> fields;            // anything but Host, Content-Length, Transfer-Encoding
};

// RequestBody: how the body is framed.
class RequestBody {
 public:
  enum class Kind { none, content_length, chunked };

  static RequestBody none() { return RequestBody(Kind::none, 0); }
  static RequestBody length(std::uint64_t n) { return RequestBody(Kind::content_length, n); }
  static RequestBody chunked() { return RequestBody(Kind::chunked, 0); }

  Kind kind() const noexcept { return kind_; }
  std::uint64_t content_length() const noexcept { return length_; }

 private:
  RequestBody(Kind kind, std::uint64_t length) : kind_(kind), length_(length) {}
  Kind kind_;
  std::uint64_t length_;
};

class RequestSerializer {
 public:
  // Checks `head` and `body`; throws RequestError naming what is wrong.
  explicit RequestSerializer(const RequestHead& head, RequestBody body = RequestBody::none());

  // head: the request line and header section, ending with the empty line.
  const std::string& head() const noexcept { return head_; }

  // write_body: appends `data`, framed, to `out` (an empty piece writes nothing). Throws
  // when the request has no body, after finish(), or when `data` would go beyond the
  // declared Content-Length (then nothing is appended).
  void write_body(std::string_view data, std::string& out);

  // finish: ends the body -- the last chunk and `trailers` for chunked bodies. Throws when
  // a Content-Length body is short (nothing is appended), or for trailers on a body that
  // is not chunked. A request without a body needs no finish() but may call it.
  void finish(std::string& out, const std::vector<Field>& trailers = {});

  bool finished() const noexcept { return finished_; }
  std::uint64_t body_bytes_written() const noexcept { return written_; }

 private:
  RequestBody body_;
  std::string head_;
  std::uint64_t written_ = 0;
  bool finished_ = false;
};

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_REQUEST_SERIALIZER_H_
