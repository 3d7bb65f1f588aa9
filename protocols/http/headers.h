// Headers: the fields of a response head (or its trailers), in the order received, with
// case-insensitive lookup by name (RFC 9110 5.1: field names are case-insensitive).
//
// A field name may appear several times (Set-Cookie); each line stays its own entry, so
// nothing is joined or lost. Names and values are kept as received.
//
//   Headers headers;
//   headers.add("Content-Type", "text/plain");
//   headers.get("content-type");        // "text/plain"
//   headers.get_all("set-cookie");      // every value, in order
//
// Thread safety: a value type.
#ifndef KIT_PROTOCOLS_HTTP_HEADERS_H_
#define KIT_PROTOCOLS_HTTP_HEADERS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/ascii_case.h"
#include "protocols/http/request_serializer.h"

namespace kit::http {

class Headers {
 public:
  using const_iterator = std::vector<Field>::const_iterator;

  // add: appends a field line.
  void add(std::string name, std::string value);

  // get: the value of the first field named `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  // get_all: every value of fields named `name`, in order.
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  const_iterator begin() const noexcept { return fields_.begin(); }
  const_iterator end() const noexcept { return fields_.end(); }
  const std::vector<Field>& fields() const noexcept { return fields_; }

 private:
  std::vector<Field> fields_;
};

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_HEADERS_H_
