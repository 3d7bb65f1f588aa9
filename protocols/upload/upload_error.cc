#include "protocols/upload/upload_error.h"

#include <cerrno>

namespace kit::upload {
namespace {

class UploadCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pkup"; }
  std::string message(int value) const override {
    switch (static_cast<upload_errc>(value)) {
      case upload_errc::path_refused:
        return "path refused";
      case upload_errc::exists:
        return "exists";
      case upload_errc::no_space:
        return "not enough space";
      case upload_errc::store_failed:
        return "store failed";
    }
    return "unknown upload error";
  }
};

std::string one_line(std::string text) {
  for (char& c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) c = ' ';
  }
  return text;
}

}  // namespace

const std::error_category& upload_category() noexcept {
  static const UploadCategory category;
  return category;
}

std::error_code make_error_code(upload_errc e) noexcept {
  return {static_cast<int>(e), upload_category()};
}

StoreAnswer answer_for(const Failure& failure) {
  const std::error_code& code = failure.code();
  if (code.category() == upload_category()) {
    switch (static_cast<upload_errc>(code.value())) {
      case upload_errc::path_refused:
        return {403, one_line(failure.message().empty() ? "path refused" : failure.message())};
      case upload_errc::exists:
        return {409, "exists"};
      case upload_errc::no_space:
        return {507, "not enough space"};
      case upload_errc::store_failed:
        break;
    }
  } else if (code == std::errc::no_space_on_device) {
    return {507, "not enough space"};
  }
  std::string why = failure.message().empty() ? failure.what() : failure.message();
  if (why.empty()) why = "cannot store the file";
  return {500, one_line(why)};
}

}  // namespace kit::upload
