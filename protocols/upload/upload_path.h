// UploadPath: a path a PKUP/1 client named, checked against the spec's rules.
//
// specs/upload.md ("Paths") lists what a server refuses with ERR 403. The rules that
// depend only on the text live here, so every store gets paths already checked: not
// empty, relative, no trailing `/`, no empty, `.` or `..` component, components of at
// most 255 bytes, at most 1024 bytes in all, no byte below 0x20, no 0x7F, no backslash,
// valid UTF-8, no component beginning with `.pkup-` (the stores' temporary files). What
// depends on the file system (a symbolic link leading out of the root) is the store's.
//
//   std::string why;
//   std::optional<UploadPath> path = UploadPath::parse("notes/hello.txt", &why);
//
// Thread safety: a value type.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_PATH_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_PATH_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kit::upload {

class UploadPath {
 public:
  static constexpr std::size_t max_size = 1024;
  static constexpr std::size_t max_component_size = 255;
  static constexpr std::string_view temporary_prefix = ".pkup-";

  // parse: the path, or nullopt with the reason (the text after "ERR 403 ") in `refusal`.
  static std::optional<UploadPath> parse(std::string_view text, std::string* refusal = nullptr);

  // str: the path as the client sent it. components: its parts between the slashes.
  const std::string& str() const noexcept { return text_; }
  const std::vector<std::string>& components() const noexcept { return components_; }

  friend bool operator==(const UploadPath& a, const UploadPath& b) { return a.text_ == b.text_; }

 private:
  UploadPath(std::string text, std::vector<std::string> components)
      : text_(std::move(text)), components_(std::move(components)) {}

  std::string text_;
  std::vector<std::string> components_;
};

// is_valid_utf8: `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing
// above U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_PATH_H_
