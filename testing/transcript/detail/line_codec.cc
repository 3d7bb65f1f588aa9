#include "testing/transcript/detail/line_codec.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "testing/transcript/detail/base64.h"
#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript::detail {
namespace {

using nlohmann::json;

// A byte the "text" form cannot show as itself.
bool needs_escape(unsigned char c) {
  return (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c >= 0x7f;
}

// Appends `bytes` as a JSON string of printable ASCII, one character per byte.
void quote(std::string_view bytes, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// Appends `,"text":...` or `,"base64":...`, whichever reads better for `bytes`.
void append_bytes(std::string_view bytes, std::string& out) {
  std::size_t escapes = 0;
  for (const char c : bytes) escapes += needs_escape(static_cast<unsigned char>(c));
  if (escapes * 8 <= bytes.size()) {
    out += ",\"text\":";
    quote(bytes, out);
  } else {
    out += ",\"base64\":\"";
    base64_encode(bytes, out);
    out += '"';
  }
}

void append_key(std::string_view key, std::string& out) {
  out += ",\"";
  out += key;
  out += "\":";
}

void append_integer(std::string_view key, std::int64_t value, std::string& out) {
  append_key(key, out);
  out += std::to_string(value);
}

void append_unsigned(std::string_view key, std::uint64_t value, std::string& out) {
  append_key(key, out);
  out += std::to_string(value);
}

void append_string(std::string_view key, std::string_view value, std::string& out) {
  append_key(key, out);
  quote(value, out);
}

void append_meta(const Meta& meta, std::string& out) {
  if (meta.empty()) return;
  append_key("meta", out);
  out += '{';
  bool first = true;
  for (const auto& [key, value] : meta) {
    if (!first) out += ',';
    first = false;
    quote(key, out);
    out += ':';
    quote(value, out);
  }
  out += '}';
}

// Opens the line of an event: {"type":"...","session":N,"t":N
void open_event(std::string_view type, SessionId session, Duration t, std::string& out) {
  out += "{\"type\":\"";
  out += type;
  out += '"';
  append_unsigned("session", session, out);
  append_integer("t", t.count(), out);
}

// What the input said, for an error message: quoted, escaped, and cut to a readable length,
// so a message never carries a megabyte of junk or a control character.
std::string shown(const std::string& text) {
  constexpr std::size_t most = 40;
  std::string out;
  quote(std::string_view(text).substr(0, most), out);
  if (text.size() > most) out += "...";
  return out;
}

std::string shown_json(const nlohmann::json& value) {
  if (value.is_string()) return shown(value.get_ref<const std::string&>());
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return text;
}

[[noreturn]] void fail(std::size_t line, const std::string& message) {
  throw TranscriptError(line, message);
}

// The bytes of a JSON string read by nlohmann (UTF-8), each character U+0000..U+00FF one
// byte; nullopt when a character is above U+00FF. nlohmann has already checked the UTF-8.
std::optional<std::string> latin1_bytes(const std::string& utf8) {
  std::string bytes;
  bytes.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      bytes += char(c);
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < utf8.size()) {
      bytes += char(((c & 0x1f) << 6) | (static_cast<unsigned char>(utf8[++i]) & 0x3f));
    } else {
      return std::nullopt;
    }
  }
  return bytes;
}

// The fields of one line's object, read by name, each read once; what is left at the end
// is a key this version does not know.
class Fields {
 public:
  Fields(json object, std::size_t line, std::string_view type)
      : object_(std::move(object)), line_(line), type_(type) {
    seen_.insert("type");
  }

  const json* find(const std::string& key) {
    const auto it = object_.find(key);
    if (it == object_.end()) return nullptr;
    seen_.insert(key);
    return &*it;
  }

  const json& require(const std::string& key) {
    const json* value = find(key);
    if (value == nullptr) fail(line_, "a \"" + type_ + "\" line without \"" + key + "\"");
    return *value;
  }

  // A byte string written as a JSON string.
  std::string string(const std::string& key) { return string_of(key, require(key)); }

  std::string string_of(const std::string& key, const json& value) {
    if (!value.is_string()) fail(line_, "\"" + key + "\" is not a string");
    std::optional<std::string> bytes = latin1_bytes(value.get_ref<const std::string&>());
    if (!bytes) {
      fail(line_, "\"" + key +
                      "\" has a character above U+00FF (each character stands for one byte: "
                      "write other bytes as \\u00XX, or use base64)");
    }
    return std::move(*bytes);
  }

  // A non-negative integer no larger than `max`.
  std::uint64_t integer(const std::string& key, std::uint64_t max) {
    const json& value = require(key);
    if (!value.is_number_integer()) fail(line_, "\"" + key + "\" is not an integer");
    if (!value.is_number_unsigned() && value.get<std::int64_t>() < 0) {
      fail(line_, "\"" + key + "\" is negative");
    }
    const auto n = value.get<std::uint64_t>();
    if (n > max) fail(line_, "\"" + key + "\" is too large (" + std::to_string(n) + ")");
    return n;
  }

  Duration time(const std::string& key) {
    return Duration{static_cast<std::int64_t>(
        integer(key, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))};
  }

  SessionId session() { return integer("session", std::numeric_limits<std::uint64_t>::max()); }

  // One of `names` (the enum's spelling), as its index.
  template <std::size_t N>
  std::size_t choice(const std::string& key, const std::string_view (&names)[N]) {
    const json& value = require(key);
    if (value.is_string()) {
      const auto& s = value.get_ref<const std::string&>();
      for (std::size_t i = 0; i < N; ++i) {
        if (s == names[i]) return i;
      }
    }
    std::string expected;
    for (std::size_t i = 0; i < N; ++i) {
      expected += (i == 0       ? ""
                   : i + 1 == N ? " or "
                                : ", ") +
                  ("\"" + std::string(names[i]) + "\"");
    }
    fail(line_, "\"" + key + "\" is " + shown_json(value) + ", not " + expected);
  }

  // The bytes of "text" or "base64" (exactly one of them).
  std::string bytes() {
    const json* text = find("text");
    const json* base64 = find("base64");
    if ((text == nullptr) == (base64 == nullptr)) {
      fail(line_, "a \"" + type_ + "\" line needs exactly one of \"text\" and \"base64\"");
    }
    if (text != nullptr) return string_of("text", *text);
    if (!base64->is_string()) fail(line_, "\"base64\" is not a string");
    std::optional<std::string> bytes = base64_decode(base64->get_ref<const std::string&>());
    if (!bytes) fail(line_, "\"base64\" is not canonical padded base64 (RFC 4648)");
    return std::move(*bytes);
  }

  Meta meta() {
    Meta meta;
    const json* value = find("meta");
    if (value == nullptr) return meta;
    if (!value->is_object()) fail(line_, "\"meta\" is not an object");
    for (const auto& [key, item] : value->items()) {
      std::optional<std::string> name = latin1_bytes(key);
      if (!name) fail(line_, "a \"meta\" key has a character above U+00FF");
      meta.emplace(std::move(*name), string_of("meta", item));
    }
    return meta;
  }

  void finish(bool ignore_unknown_keys) {
    if (ignore_unknown_keys) return;
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.count(key)) {
        fail(line_, "a \"" + type_ + "\" line with an unknown key " + shown(key) +
                        " (this reader knows version " + std::to_string(format_major) + "." +
                        std::to_string(format_minor) + ")");
      }
    }
  }

 private:
  json object_;
  std::size_t line_;
  std::string type_;
  std::set<std::string> seen_;
};

constexpr std::string_view side_names[] = {"host", "peer"};
constexpr std::string_view role_names[] = {"server", "client"};
constexpr std::string_view close_names[] = {"fin", "reset", "abort"};

// The JSON object on `text`, and its "type".
std::pair<json, std::string> parse_object(std::string_view text, std::size_t line) {
  json object;
  try {
    object = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann counts its own lines and columns; the byte offset is what fits one line.
    std::string what = e.what();
    const std::size_t colon = what.find(": ", what.find("column"));
    fail(line, "not JSON (at byte " + std::to_string(e.byte) +
                   "): " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const json::exception& e) {
    // A number too large for any JSON number type (out_of_range.406), and the like.
    std::string what = e.what();
    const std::size_t bracket = what.find("] ");
    fail(line, "not JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)));
  }
  if (!object.is_object()) fail(line, "not a JSON object");
  const auto type = object.find("type");
  if (type == object.end() || !type->is_string()) fail(line, "an object without a \"type\"");
  std::string name = type->get<std::string>();
  return {std::move(object), std::move(name)};
}

// "M.N" as two numbers, or nullopt.
std::optional<std::pair<int, int>> parse_version(const std::string& text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size() || dot > 6 ||
      text.size() - dot - 1 > 6) {
    return std::nullopt;
  }
  int parts[2] = {0, 0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == dot) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int& part = parts[i > dot];
    part = part * 10 + (text[i] - '0');
  }
  return std::pair{parts[0], parts[1]};
}

}  // namespace

void encode_line(const Header& header, std::string& out) {
  out += "{\"type\":\"transcript\",\"version\":\"";
  out += std::to_string(header.major) + "." + std::to_string(header.minor);
  out += '"';
  append_meta(header.meta, out);
  out += '}';
}

void encode_line(const Event& event, std::string& out) {
  std::visit(
      [&out](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, SessionStart>) {
          out += "{\"type\":\"session\"";
          append_unsigned("session", e.session, out);
          append_integer("start", e.start.count(), out);
          append_string("role", to_string(e.role), out);
          append_string("host", e.host, out);
          append_string("peer", e.peer, out);
          append_meta(e.meta, out);
        } else if constexpr (std::is_same_v<T, Data>) {
          open_event("data", e.session, e.t, out);
          append_string("from", to_string(e.from), out);
          append_bytes(e.bytes, out);
        } else if constexpr (std::is_same_v<T, Close>) {
          open_event("close", e.session, e.t, out);
          append_string("by", to_string(e.by), out);
          append_string("how", to_string(e.how), out);
        } else if constexpr (std::is_same_v<T, ClockRead>) {
          open_event("now", e.session, e.t, out);
        } else if constexpr (std::is_same_v<T, RandomDraw>) {
          open_event("random", e.session, e.t, out);
          append_bytes(e.bytes, out);
        } else {
          static_assert(std::is_same_v<T, SessionEnd>);
          open_event("end", e.session, e.t, out);
        }
        out += '}';
      },
      event);
}

Header decode_header(std::string_view text, std::size_t line) {
  const std::string expected =
      "the first line must be the header, {\"type\":\"transcript\",\"version\":\"" +
      std::to_string(format_major) + "." + std::to_string(format_minor) + "\"}";
  if (text.empty() || text.front() != '{') fail(line, "not a transcript: " + expected);
  auto [object, type] = parse_object(text, line);
  if (type != "transcript") fail(line, "a " + shown(type) + " line first: " + expected);
  Fields fields(std::move(object), line, type);
  const json& version = fields.require("version");
  const auto parsed =
      version.is_string() ? parse_version(version.get<std::string>()) : std::nullopt;
  if (!parsed) fail(line, "\"version\" is " + shown_json(version) + ", not \"MAJOR.MINOR\"");
  if (parsed->first != format_major) {
    fail(line, "transcript version " + version.get<std::string>() +
                   " is not supported (this reader reads version " + std::to_string(format_major) +
                   ".x)");
  }
  Header header;
  header.major = parsed->first;
  header.minor = parsed->second;
  header.meta = fields.meta();
  fields.finish(header.minor > format_minor);
  return header;
}

Event decode_event(std::string_view text, std::size_t line, bool ignore_unknown_keys) {
  // A quick refusal of what is plainly not an object (nlohmann would say so too, later).
  if (text.empty()) fail(line, "an empty line");
  if (text.front() != '{') fail(line, "not a JSON object (a line must start with '{')");
  auto [object, type] = parse_object(text, line);
  Fields fields(std::move(object), line, type);
  Event event;
  if (type == "session") {
    SessionStart e;
    e.session = fields.session();
    e.start = fields.time("start");
    e.role = static_cast<Role>(fields.choice("role", role_names));
    e.host = fields.string("host");
    e.peer = fields.string("peer");
    e.meta = fields.meta();
    event = std::move(e);
  } else if (type == "data") {
    Data e;
    e.session = fields.session();
    e.t = fields.time("t");
    e.from = static_cast<Side>(fields.choice("from", side_names));
    e.bytes = fields.bytes();
    event = std::move(e);
  } else if (type == "close") {
    Close e;
    e.session = fields.session();
    e.t = fields.time("t");
    e.by = static_cast<Side>(fields.choice("by", side_names));
    e.how = static_cast<CloseKind>(fields.choice("how", close_names));
    event = e;
  } else if (type == "now") {
    event = ClockRead{fields.session(), fields.time("t")};
  } else if (type == "random") {
    RandomDraw e;
    e.session = fields.session();
    e.t = fields.time("t");
    e.bytes = fields.bytes();
    event = std::move(e);
  } else if (type == "end") {
    event = SessionEnd{fields.session(), fields.time("t")};
  } else if (type == "transcript") {
    fail(line, "a second header (\"type\":\"transcript\" is only the first line)");
  } else {
    fail(line,
         "unknown event type " + shown(type) + " (known: session, data, close, now, random, end)");
  }
  fields.finish(ignore_unknown_keys);
  return event;
}

}  // namespace kit::testing::transcript::detail
