#include "protocols/http/request_serializer.h"

#include <string>

namespace kit::http {
namespace {

bool is_token_char(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

[[noreturn]] void refuse(const std::string& message) {
  throw RequestError("RequestSerializer: " + message);
}

void check_token(std::string_view what, std::string_view s) {
  if (s.empty()) refuse(std::string(what) + " is empty");
  for (char c : s) {
    if (!is_token_char(c)) {
      refuse(std::string(what) + " \"" + std::string(s) + "\" is not a token (RFC 9110 5.6.2)");
    }
  }
}

// A field value: no CR, LF, NUL or other control character (HTAB aside), and no leading
// or trailing whitespace, which the receiver would strip (RFC 9110 5.5).
void check_value(std::string_view name, std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      const char* which = c == '\r' ? "CR" : c == '\n' ? "LF" : c == '\0' ? "NUL" : "a control";
      refuse("the value of " + std::string(name) + " holds " + which + " character (RFC 9110 5.5)");
    }
  }
  if (!value.empty() && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                         value.back() == '\t')) {
    refuse("the value of " + std::string(name) + " has leading or trailing whitespace");
  }
}

// Visible ASCII only: no whitespace, no control characters, no obs-text.
void check_visible(std::string_view what, std::string_view s) {
  if (s.empty()) refuse(std::string(what) + " is empty");
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      refuse(std::string(what) + " holds a space, control or non-ASCII byte (RFC 9112 3.2)");
    }
  }
}

void check_field(std::string_view role, const Field& field) {
  check_token(std::string(role) + " name", field.name);
  if (iequals(field.name, "Host") || iequals(field.name, "Content-Length") ||
      iequals(field.name, "Transfer-Encoding")) {
    refuse(std::string(role) + " " + field.name +
           " is set by the serializer (RequestHead::host, RequestBody), not by hand");
  }
  check_value(field.name, field.value);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

RequestSerializer::RequestSerializer(const RequestHead& head, RequestBody body) : body_(body) {
  check_token("method", head.method);
  check_visible("target", head.target);
  check_visible("host", head.host);
  if (!head.user_agent.empty()) check_value("User-Agent", head.user_agent);
  for (const Field& field : head.fields) {
    check_field("field", field);
    if (!head.user_agent.empty() && iequals(field.name, "User-Agent")) {
      refuse("User-Agent given both as RequestHead::user_agent and as a field");
    }
  }
  head_.reserve(128);
  head_.append(head.method).append(" ").append(head.target).append(" HTTP/1.1\r\n");
  append_field(head_, "Host", head.host);
  if (!head.user_agent.empty()) append_field(head_, "User-Agent", head.user_agent);
  for (const Field& field : head.fields) append_field(head_, field.name, field.value);
  switch (body_.kind()) {
    case RequestBody::Kind::none:
      // RFC 9110 8.6: a method that gives content a meaning says "none" with a zero length.
      if (head.method == "POST" || head.method == "PUT" || head.method == "PATCH") {
        append_field(head_, "Content-Length", "0");
      }
      break;
    case RequestBody::Kind::content_length:
      append_field(head_, "Content-Length", std::to_string(body_.content_length()));
      break;
    case RequestBody::Kind::chunked:
      append_field(head_, "Transfer-Encoding", "chunked");
      break;
  }
  head_.append("\r\n");
}

void RequestSerializer::write_body(std::string_view data, std::string& out) {
  if (finished_) refuse("write_body() after finish()");
  switch (body_.kind()) {
    case RequestBody::Kind::none:
      refuse("write_body() on a request declared without a body");
    case RequestBody::Kind::content_length:
      if (data.size() > body_.content_length() - written_) {
        refuse("write_body() of " + std::to_string(data.size()) + " bytes goes beyond the " +
               std::to_string(body_.content_length()) + "-byte Content-Length (" +
               std::to_string(written_) + " written)");
      }
      out.append(data);
      break;
    case RequestBody::Kind::chunked: {
      if (data.empty()) return;  // an empty chunk would end the body
      char size[20];
      int n = 0;
      for (std::size_t v = data.size(); v != 0; v >>= 4) size[n++] = "0123456789abcdef"[v & 15];
      while (n > 0) out.push_back(size[--n]);
      out.append("\r\n").append(data).append("\r\n");
      break;
    }
  }
  written_ += data.size();
}

void RequestSerializer::finish(std::string& out, const std::vector<Field>& trailers) {
  if (finished_) refuse("finish() called twice");
  if (!trailers.empty() && body_.kind() != RequestBody::Kind::chunked) {
    refuse("trailers need a chunked body");
  }
  if (body_.kind() == RequestBody::Kind::content_length && written_ != body_.content_length()) {
    refuse("finish() after " + std::to_string(written_) + " of " +
           std::to_string(body_.content_length()) +
           " declared body bytes: the request is incomplete; abort the connection");
  }
  for (const Field& field : trailers) check_field("trailer", field);
  if (body_.kind() == RequestBody::Kind::chunked) {
    out.append("0\r\n");
    for (const Field& field : trailers) append_field(out, field.name, field.value);
    out.append("\r\n");
  }
  finished_ = true;
}

}  // namespace kit::http
