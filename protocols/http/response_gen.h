// RapidCheck generators of HTTP/1.1 responses, for the parser's and the client's
// properties: valid ones framed every way RFC 9112 allows, and damaged ones.
//
// Thread safety: like any RapidCheck generator, used by the thread running the property.
#ifndef KIT_PROTOCOLS_HTTP_RESPONSE_GEN_H_
#define KIT_PROTOCOLS_HTTP_RESPONSE_GEN_H_

#include <rapidcheck.h>

#include <string>

namespace kit::http::testing {

// GeneratedResponse: the bytes of a response and what a reader must make of them.
struct GeneratedResponse {
  std::string raw;
  int code = 200;
  std::string body;              // what the parser must deliver
  bool head = false;             // the response answers a HEAD request
  bool close_delimited = false;  // the body ends only when the connection closes
};

// valid_response: a valid response (interim 1xx before it, up to five fields), its body
// framed by Content-Length, chunks (with extensions and maybe a trailer) or the close,
// with LF or CRLF line ends.
rc::Gen<GeneratedResponse> valid_response();

// maybe_broken_response: a valid response, sometimes with a byte changed, inserted or
// removed, or cut short.
rc::Gen<std::string> maybe_broken_response();

}  // namespace kit::http::testing

#endif  // KIT_PROTOCOLS_HTTP_RESPONSE_GEN_H_
