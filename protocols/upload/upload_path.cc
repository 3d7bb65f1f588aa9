#include "protocols/upload/upload_path.h"

#include <utility>

namespace kit::upload {

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    unsigned char low = 0x80;  // the range of the second byte
    unsigned char high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      if (b == 0xE0) low = 0xA0;   // overlong
      if (b == 0xED) high = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      if (b == 0xF0) low = 0x90;   // overlong
      if (b == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      const unsigned char lo = k == 1 ? low : 0x80;
      const unsigned char hi = k == 1 ? high : 0xBF;
      if (c < lo || c > hi) return false;
    }
    i += extra + 1;
  }
  return true;
}

std::optional<UploadPath> UploadPath::parse(std::string_view text, std::string* refusal) {
  auto refuse = [refusal](const char* reason) -> std::optional<UploadPath> {
    if (refusal != nullptr) *refusal = reason;
    return std::nullopt;
  };
  if (text.empty()) return refuse("empty path");
  if (text.front() == '/') return refuse("absolute path");
  if (text.back() == '/') return refuse("path ends with /");
  if (text.size() > max_size) return refuse("path over 1024 bytes");
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) return refuse("control character in path");
    if (c == '\\') return refuse("backslash in path");
  }
  if (!is_valid_utf8(text)) return refuse("path is not valid UTF-8");
  std::vector<std::string> components;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = text.find('/', start);
    const std::string_view part = text.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty()) return refuse("empty path component");
    if (part == "." || part == "..") return refuse("'.' or '..' in path");
    if (part.size() > max_component_size) return refuse("path component over 255 bytes");
    if (part.substr(0, temporary_prefix.size()) == temporary_prefix) {
      return refuse("names beginning with .pkup- are reserved");
    }
    components.emplace_back(part);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return UploadPath(std::string(text), std::move(components));
}

}  // namespace kit::upload
