#include "protocols/http/response_parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <utility>

#include "protocols/http/ascii_case.h"

namespace kit::http {
namespace {

// RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
constexpr std::array<bool, 256> make_token_table() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kToken = make_token_table();

// RFC 9110 5.5: field-vchar / SP / HTAB (obs-text included); no CTL, no DEL.
constexpr std::array<bool, 256> make_value_table() {
  std::array<bool, 256> t{};
  t['\t'] = true;
  for (int c = 0x20; c <= 0x7e; ++c) t[c] = true;
  for (int c = 0x80; c <= 0xff; ++c) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kValue = make_value_table();

bool is_token_char(char c) { return kToken[static_cast<unsigned char>(c)]; }
bool is_value_char(char c) { return kValue[static_cast<unsigned char>(c)]; }
bool is_ows(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// for_each_element: calls fn(element) for each non-empty, OWS-trimmed element of a
// comma-separated list (RFC 9110 5.6.1: a recipient ignores empty elements).
template <typename Fn>
void for_each_element(std::string_view list, Fn fn) {
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty() && !fn(element)) return;
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

// A printable rendering of a short piece of peer input for an error message.
std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (char c : s.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  if (s.size() > kMax) out += "...";
  return out + "\"";
}

}  // namespace

ResponseParser::ResponseParser(ResponseHandler& handler, ParserLimits limits)
    : handler_(handler), limits_(limits) {}

void ResponseParser::misuse(const std::string& message) {
  throw ParseError(ParseErrorKind::caller_misuse, "", "ResponseParser: " + message);
}

void ResponseParser::fail(ParseErrorKind kind, std::string rule, const std::string& message) {
  state_ = State::failed;
  keep_alive_ = false;
  line_.clear();
  error_.emplace(kind, std::move(rule), message);
  handler_.on_error(*error_);
}

void ResponseParser::expect_response(std::string_view method) {
  if (state_ == State::failed) misuse("expect_response() after the parser failed");
  if (eof_) misuse("expect_response() after feed_eof(): the connection is closed");
  if (state_ == State::finished) {
    misuse("expect_response() on a connection whose last response ended its use");
  }
  expected_.push_back(method == "HEAD"      ? RequestKind::head
                      : method == "CONNECT" ? RequestKind::connect
                                            : RequestKind::other);
  if (state_ == State::idle) start_message();
}

void ResponseParser::start_message() {
  state_ = State::status_line;
  received_any_ = false;
  section_bytes_ = 0;
  field_count_ = 0;
  version_ = {};
  code_ = 0;
  interim_ = false;
  content_length_.reset();
  transfer_encoding_seen_ = false;
  chunked_count_ = 0;
  unsupported_coding_.clear();
  connection_close_ = false;
  connection_keep_alive_ = false;
  keep_alive_ = false;
  remaining_ = 0;
}

bool ResponseParser::take_line(std::string_view data, std::size_t& pos, std::size_t limit,
                               std::string_view& line, const LineLimit& what) {
  const std::size_t available = data.size() - pos;
  // The LF may come after `limit` bytes of content and a CR.
  const std::size_t window_total = limit + 2;
  const std::size_t window =
      line_.size() >= window_total ? 0 : std::min(available, window_total - line_.size());
  const char* start = data.data() + pos;
  const void* lf = std::memchr(start, '\n', window);
  if (lf == nullptr) {
    if (window < available || line_.size() + window >= window_total) {
      line_too_long(what);
      return false;
    }
    line_.append(start, window);
    pos += window;
    return false;
  }
  const std::size_t taken = static_cast<const char*>(lf) - start;
  pos += taken + 1;
  if (line_.empty()) {
    line = std::string_view(start, taken);
  } else {
    line_.append(start, taken);
    line = line_;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > limit) {
    line_too_long(what);
    return false;
  }
  return true;
}

void ResponseParser::line_too_long(const LineLimit& what) {
  fail(ParseErrorKind::limit_exceeded, "",
       std::string(what.what) + " longer than " + std::to_string(what.value) +
           " bytes (ParserLimits::" + what.name + ")");
}

void ResponseParser::feed(std::string_view data) {
  if (in_feed_) misuse("feed() from inside a handler callback");
  if (state_ == State::failed) misuse("feed() after the parser failed");
  if (eof_) misuse("feed() after feed_eof()");
  in_feed_ = true;
  try {
    std::size_t pos = 0;
    while (pos < data.size()) {
      switch (state_) {
        case State::idle:
          fail(ParseErrorKind::protocol_violation, "RFC 9112 9.3",
               "data (starting " + quoted(data.substr(pos, 1)) +
                   ") received with no request outstanding (a response answers a request)");
          break;
        case State::finished:
          ignored_bytes_ += data.size() - pos;
          pos = data.size();
          break;
        case State::status_line:
        case State::header_line: {
          received_any_ = true;
          const std::size_t budget =
              limits_.max_head_size - std::min(section_bytes_, limits_.max_head_size);
          const bool head_bound = budget < limits_.max_line_length + 2;
          const std::size_t before = pos;
          const std::size_t buffered = line_.size();
          std::string_view line;
          const bool status = state_ == State::status_line;
          const LineLimit what =
              head_bound ? LineLimit{"response head", "max_head_size", limits_.max_head_size}
                         : LineLimit{status ? "status line" : "header line", "max_line_length",
                                     limits_.max_line_length};
          const bool done = take_line(
              data, pos, head_bound ? (budget >= 2 ? budget - 2 : 0) : limits_.max_line_length,
              line, what);
          if (!done) break;
          section_bytes_ += buffered + (pos - before);
          if (section_bytes_ > limits_.max_head_size) {  // the line's CRLF went beyond it
            line_too_long({"response head", "max_head_size", limits_.max_head_size});
            break;
          }
          if (status) {
            status_line(line);
          } else {
            header_line(line);
          }
          line_.clear();
          break;
        }
        case State::body_length:
        case State::chunk_data: {
          const std::size_t n =
              static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - pos));
          const std::string_view piece = data.substr(pos, n);
          pos += n;
          remaining_ -= n;
          handler_.on_body(piece);
          if (remaining_ == 0) {
            if (state_ == State::body_length) {
              message_complete();
            } else {
              state_ = State::chunk_data_cr;
            }
          }
          break;
        }
        case State::body_close: {
          const std::string_view piece = data.substr(pos);
          pos = data.size();
          handler_.on_body(piece);
          break;
        }
        case State::chunk_data_cr:
        case State::chunk_data_lf: {
          const char c = data[pos];
          if (c == '\r' && state_ == State::chunk_data_cr) {
            ++pos;
            state_ = State::chunk_data_lf;
          } else if (c == '\n') {
            ++pos;
            state_ = State::chunk_size;
          } else {
            fail(ParseErrorKind::protocol_violation, "RFC 9112 7.1",
                 "chunk data not followed by CRLF (found " + quoted(data.substr(pos, 1)) + ")");
          }
          break;
        }
        case State::chunk_size: {
          std::string_view line;
          if (!take_line(data, pos, limits_.max_chunk_line_length, line,
                         LineLimit{"chunk-size line", "max_chunk_line_length",
                                   limits_.max_chunk_line_length})) {
            break;
          }
          chunk_size_line(line);
          line_.clear();
          break;
        }
        case State::trailer_line: {
          const std::size_t budget =
              limits_.max_trailer_size - std::min(section_bytes_, limits_.max_trailer_size);
          const bool section_bound = budget < limits_.max_line_length + 2;
          const std::size_t before = pos;
          const std::size_t buffered = line_.size();
          std::string_view line;
          if (!take_line(
                  data, pos,
                  section_bound ? (budget >= 2 ? budget - 2 : 0) : limits_.max_line_length, line,
                  section_bound
                      ? LineLimit{"trailer section", "max_trailer_size", limits_.max_trailer_size}
                      : LineLimit{"trailer line", "max_line_length", limits_.max_line_length})) {
            break;
          }
          section_bytes_ += buffered + (pos - before);
          if (section_bytes_ > limits_.max_trailer_size) {
            line_too_long({"trailer section", "max_trailer_size", limits_.max_trailer_size});
            break;
          }
          trailer_line(line);
          line_.clear();
          break;
        }
        case State::failed:
          break;
      }
      if (state_ == State::failed) break;
    }
  } catch (...) {
    in_feed_ = false;
    if (!error_) {
      state_ = State::failed;
      error_.emplace(ParseErrorKind::caller_misuse, "", "a ResponseHandler callback threw");
    }
    throw;
  }
  in_feed_ = false;
}

void ResponseParser::feed_eof() {
  if (in_feed_) misuse("feed_eof() from inside a handler callback");
  if (state_ == State::failed) return;  // the connection going away after an error is expected
  if (eof_) misuse("feed_eof() called twice");
  eof_ = true;
  in_feed_ = true;
  try {
    switch (state_) {
      case State::idle:
      case State::finished:
        break;
      case State::status_line:
        if (!received_any_) {
          fail(ParseErrorKind::closed_before_response, "RFC 9112 9.3",
               "connection closed before any byte of the response");
        } else {
          fail(ParseErrorKind::truncated, "RFC 9112 8", "connection closed inside the status line");
        }
        break;
      case State::header_line:
        fail(ParseErrorKind::truncated, "RFC 9112 8",
             "connection closed inside the header section");
        break;
      case State::body_close:
        message_complete();
        break;
      case State::body_length:
        fail(ParseErrorKind::truncated, "RFC 9112 8",
             "connection closed " + std::to_string(remaining_) +
                 " bytes before the end of the Content-Length body");
        break;
      case State::chunk_size:
      case State::chunk_data:
      case State::chunk_data_cr:
      case State::chunk_data_lf:
        fail(ParseErrorKind::truncated, "RFC 9112 8",
             "connection closed before the last chunk of a chunked body");
        break;
      case State::trailer_line:
        fail(ParseErrorKind::truncated, "RFC 9112 8",
             "connection closed before the end of the trailer section (its final CRLF)");
        break;
      case State::failed:
        break;
    }
  } catch (...) {
    in_feed_ = false;
    throw;
  }
  in_feed_ = false;
}

void ResponseParser::status_line(std::string_view line) {
  if (line.empty()) return;  // an empty line before the status line is skipped (docs/http.md)
  if (line.find('\r') != std::string_view::npos) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 2.2",
         "bare CR in the status line " + quoted(line));
    return;
  }
  if (line.substr(0, 5) != "HTTP/") {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 4",
         "status line " + quoted(line) + " does not start with HTTP-version");
    return;
  }
  if (line.size() < 8 || !is_digit(line[5]) || line[6] != '.' || !is_digit(line[7]) ||
      (line.size() > 8 && is_digit(line[8]))) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 2.3",
         "HTTP-version is \"HTTP/\" DIGIT \".\" DIGIT, not " + quoted(line.substr(0, 12)));
    return;
  }
  if (line.size() == 8 || line[8] != ' ') {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 4",
         "HTTP-version must be followed by one SP in " + quoted(line));
    return;
  }
  const HttpVersion version{line[5] - '0', line[7] - '0'};
  if (line.size() < 12 || !is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]) ||
      (line.size() > 12 && line[12] != ' ')) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 4",
         "status-code is three digits after one SP, in " + quoted(line));
    return;
  }
  if (version.major != 1) {
    fail(ParseErrorKind::unsupported, "RFC 9110 2.5",
         "HTTP/" + std::to_string(version.major) + "." + std::to_string(version.minor) +
             " is not HTTP/1.x");
    return;
  }
  const int code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (code < 100 || code > 599) {
    fail(ParseErrorKind::protocol_violation, "RFC 9110 15",
         "status code " + std::to_string(code) + " is outside 100..599");
    return;
  }
  const std::string_view reason = line.size() > 12 ? line.substr(13) : std::string_view();
  for (char c : reason) {
    if (!is_value_char(c)) {
      fail(ParseErrorKind::protocol_violation, "RFC 9112 4",
           "reason-phrase holds a control character: " + quoted(reason));
      return;
    }
  }
  if (code == 101) {
    // A client that sent no Upgrade cannot be switched (RFC 9110 7.8); this parser has no
    // upgrade path, so it stops here rather than read another protocol as HTTP.
    fail(ParseErrorKind::unsupported, "RFC 9110 15.2.2",
         "101 Switching Protocols: protocol upgrade is not supported");
    return;
  }
  version_ = version;
  code_ = code;
  interim_ = code < 200;
  state_ = State::header_line;
  if (!interim_) handler_.on_status(version_, code_, reason);
}

bool ResponseParser::field_line(std::string_view line, std::string_view& name,
                                std::string_view& value) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 5",
         "field line without a colon: " + quoted(line));
    return false;
  }
  name = line.substr(0, colon);
  if (name.empty()) {
    fail(ParseErrorKind::protocol_violation, "RFC 9110 5.1", "empty field name in " + quoted(line));
    return false;
  }
  if (is_ows(name.back())) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 5.1",
         "whitespace between the field name and the colon in " + quoted(line));
    return false;
  }
  for (char c : name) {
    if (!is_token_char(c)) {
      fail(ParseErrorKind::protocol_violation, "RFC 9110 5.1",
           "field name " + quoted(name) + " is not a token");
      return false;
    }
  }
  value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    if (!is_value_char(c)) {
      fail(ParseErrorKind::protocol_violation, c == '\r' ? "RFC 9112 2.2" : "RFC 9110 5.5",
           "field value of " + quoted(name) + " holds a control character: " + quoted(value));
      return false;
    }
  }
  return true;
}

void ResponseParser::header_line(std::string_view line) {
  if (line.empty()) {
    headers_complete();
    return;
  }
  if (is_ows(line.front())) {
    if (field_count_ == 0) {
      fail(ParseErrorKind::protocol_violation, "RFC 9112 2.2",
           "whitespace between the status line and the first field line");
    } else {
      fail(ParseErrorKind::protocol_violation, "RFC 9112 5.2",
           "obsolete line folding (obs-fold) is refused: " + quoted(line));
    }
    return;
  }
  if (++field_count_ > limits_.max_header_count) {
    fail(ParseErrorKind::limit_exceeded, "",
         "more than " + std::to_string(limits_.max_header_count) +
             " header fields (ParserLimits::max_header_count)");
    return;
  }
  std::string_view name, value;
  if (!field_line(line, name, value)) return;
  if (interim_) return;  // 1xx fields are checked, not reported, and frame nothing
  switch (name.size()) {
    case 10:
      if (iequals_ascii(name, "connection")) connection(value);
      break;
    case 14:
      if (iequals_ascii(name, "content-length")) content_length(value);
      break;
    case 17:
      if (iequals_ascii(name, "transfer-encoding")) transfer_encoding(value);
      break;
    default:
      break;
  }
  if (state_ == State::failed) return;
  handler_.on_header(name, value);
}

void ResponseParser::content_length(std::string_view value) {
  // RFC 9110 8.6: 1*DIGIT; a list of identical values ("42, 42", or the field repeated)
  // may be taken as one. Empty elements are not accepted here.
  std::string_view rest = value;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view element = trim_ows(rest.substr(0, comma));
    if (element.empty()) {
      fail(ParseErrorKind::protocol_violation, "RFC 9110 8.6",
           "empty Content-Length element in " + quoted(value));
      return;
    }
    std::uint64_t n = 0;
    for (char c : element) {
      if (!is_digit(c)) {
        fail(ParseErrorKind::protocol_violation, "RFC 9110 8.6",
             "Content-Length " + quoted(value) + " is not 1*DIGIT");
        return;
      }
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (n > (UINT64_MAX - d) / 10) {
        fail(ParseErrorKind::protocol_violation, "RFC 9110 8.6",
             "Content-Length " + quoted(value) + " overflows");
        return;
      }
      n = n * 10 + d;
    }
    if (content_length_ && *content_length_ != n) {
      fail(ParseErrorKind::protocol_violation, "RFC 9110 8.6",
           "differing Content-Length values (" + std::to_string(*content_length_) + " and " +
               std::to_string(n) + ")");
      return;
    }
    content_length_ = n;
    if (comma == std::string_view::npos) return;
    rest.remove_prefix(comma + 1);
  }
}

void ResponseParser::transfer_encoding(std::string_view value) {
  transfer_encoding_seen_ = true;
  for_each_element(value, [&](std::string_view coding) {
    // transfer-coding = token *( OWS ";" OWS transfer-parameter )
    std::size_t i = 0;
    while (i < coding.size() && is_token_char(coding[i])) ++i;
    if (i == 0) {
      fail(ParseErrorKind::protocol_violation, "RFC 9112 6.1",
           "Transfer-Encoding element " + quoted(coding) + " is not a transfer coding");
      return false;
    }
    if (i == coding.size() && iequals_ascii(coding, "chunked")) {
      ++chunked_count_;
    } else if (unsupported_coding_.empty()) {
      // Any other coding, before or after chunked, is one this parser cannot undo.
      unsupported_coding_ = std::string(coding.substr(0, 64));
    }
    return true;
  });
}

void ResponseParser::connection(std::string_view value) {
  for_each_element(value, [&](std::string_view option) {
    if (iequals_ascii(option, "close")) connection_close_ = true;
    if (iequals_ascii(option, "keep-alive")) connection_keep_alive_ = true;
    return true;
  });
}

void ResponseParser::headers_complete() {
  if (interim_) {
    const int code = code_;
    start_message();
    received_any_ = true;  // a close from now on truncates the response
    handler_.on_informational(code);
    return;
  }
  const RequestKind request = expected_.front();
  // RFC 9112 9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
  keep_alive_ = !connection_close_ && (version_.minor >= 1 || connection_keep_alive_);
  if (transfer_encoding_seen_ && content_length_) keep_alive_ = false;      // RFC 9112 6.3 item 3
  if (transfer_encoding_seen_ && version_.minor == 0) keep_alive_ = false;  // RFC 9112 6.1

  // RFC 9112 6.3 items 1 and 2: no content, whatever the fields say.
  const bool no_body = request == RequestKind::head || code_ == 204 || code_ == 304 ||
                       (request == RequestKind::connect && code_ / 100 == 2);
  if (request == RequestKind::connect && code_ / 100 == 2) keep_alive_ = false;  // a tunnel now
  State next;
  if (no_body) {
    next = State::idle;
  } else if (transfer_encoding_seen_) {
    if (!unsupported_coding_.empty()) {
      fail(ParseErrorKind::unsupported, "RFC 9112 6.3",
           "Transfer-Encoding " + quoted(unsupported_coding_) +
               ": only a single \"chunked\" coding is supported");
      return;
    }
    if (chunked_count_ != 1) {
      fail(ParseErrorKind::protocol_violation, "RFC 9112 7",
           chunked_count_ == 0 ? "empty Transfer-Encoding"
                               : "chunked applied more than once to the body");
      return;
    }
    next = State::chunk_size;
  } else if (content_length_) {
    remaining_ = *content_length_;
    next = remaining_ == 0 ? State::idle : State::body_length;
  } else {
    keep_alive_ = false;  // RFC 9112 6.3 item 8: the close ends the body
    next = State::body_close;
  }
  state_ = next == State::idle ? State::header_line : next;
  handler_.on_headers_complete();
  if (next == State::idle) message_complete();
}

void ResponseParser::chunk_size_line(std::string_view line) {
  // chunk = chunk-size [ chunk-ext ] CRLF; chunk-size = 1*HEXDIG
  // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
  std::size_t i = 0;
  std::uint64_t size = 0;
  while (i < line.size()) {
    const int v = hex_value(line[i]);
    if (v < 0) break;
    if (size > (UINT64_MAX >> 4)) {
      fail(ParseErrorKind::protocol_violation, "RFC 9112 7.1",
           "chunk-size " + quoted(line) + " overflows");
      return;
    }
    size = (size << 4) | static_cast<std::uint64_t>(v);
    ++i;
  }
  if (i == 0) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 7.1",
         "chunk-size line " + quoted(line) + " does not start with hex digits");
    return;
  }
  auto bad_extension = [&](const char* what) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 7.1.1",
         std::string(what) + " in chunk-size line " + quoted(line));
  };
  auto skip_bws = [&] {
    const std::size_t from = i;
    while (i < line.size() && is_ows(line[i])) ++i;
    return i > from;
  };
  auto token = [&] {
    const std::size_t from = i;
    while (i < line.size() && is_token_char(line[i])) ++i;
    return i > from;
  };
  while (i < line.size()) {
    skip_bws();
    if (i == line.size()) return bad_extension("whitespace after the chunk size or extension");
    if (line[i] != ';') return bad_extension("unexpected character (not ';')");
    ++i;
    skip_bws();
    if (!token()) return bad_extension("missing chunk-ext-name");
    const std::size_t save = i;
    skip_bws();
    if (i < line.size() && line[i] == '=') {
      ++i;
      skip_bws();
      if (i < line.size() && line[i] == '"') {
        ++i;
        bool closed = false;
        while (i < line.size()) {
          const char c = line[i];
          if (c == '"') {
            closed = true;
            ++i;
            break;
          }
          if (c == '\\') {
            ++i;
            if (i == line.size() || !is_value_char(line[i])) break;
          } else if (!is_value_char(c)) {
            break;
          }
          ++i;
        }
        if (!closed) return bad_extension("unterminated or invalid quoted chunk-ext-val");
      } else if (!token()) {
        return bad_extension("missing chunk-ext-val after '='");
      }
    } else {
      i = save;
    }
  }
  if (size == 0) {
    state_ = State::trailer_line;
    section_bytes_ = 0;
    field_count_ = 0;
  } else {
    remaining_ = size;
    state_ = State::chunk_data;
  }
}

void ResponseParser::trailer_line(std::string_view line) {
  if (line.empty()) {
    message_complete();
    return;
  }
  if (is_ows(line.front())) {
    fail(ParseErrorKind::protocol_violation, "RFC 9112 5.2",
         "obsolete line folding (obs-fold) in the trailer section: " + quoted(line));
    return;
  }
  if (++field_count_ > limits_.max_header_count) {
    fail(ParseErrorKind::limit_exceeded, "",
         "more than " + std::to_string(limits_.max_header_count) +
             " trailer fields (ParserLimits::max_header_count)");
    return;
  }
  std::string_view name, value;
  if (!field_line(line, name, value)) return;
  handler_.on_trailer(name, value);
}

void ResponseParser::message_complete() {
  expected_.pop_front();
  const bool reuse = keep_alive_;
  state_ = reuse ? State::idle : State::finished;
  if (reuse && !expected_.empty()) start_message();
  keep_alive_ = reuse;
  handler_.on_message_complete();
}

}  // namespace kit::http
