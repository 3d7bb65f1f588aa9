#include "protocols/http/headers.h"

#include <utility>

namespace kit::http {

void Headers::add(std::string name, std::string value) {
  fields_.push_back({std::move(name), std::move(value)});
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const Field& field : fields_) {
    if (iequals_ascii(field.name, name)) return std::string_view(field.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Field& field : fields_) {
    if (iequals_ascii(field.name, name)) values.push_back(field.value);
  }
  return values;
}

}  // namespace kit::http
