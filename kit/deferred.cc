#include "kit/deferred.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace kit {
namespace detail {
namespace {

std::string readable_name(const std::type_info& type) {
  if (type == typeid(VoidValue)) return "void";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? name.get() : type.name();
}

}  // namespace

void throw_type_mismatch(const char* operation, const std::type_info& expected,
                         const std::type_info& actual) {
  throw std::logic_error(std::string("Deferred::") + operation + ": the chain works on " +
                         readable_name(expected) + " here, but this handle is a Deferred<" +
                         readable_name(actual) +
                         ">; use the Deferred that the last add_callback returned");
}

void throw_empty(const char* operation) {
  throw std::logic_error(std::string("Deferred::") + operation + ": empty (moved-from) Deferred");
}

}  // namespace detail

Deferred<void> Clock::sleep(Duration delay) {
  return defer_later(*this, delay, [] {});
}

}  // namespace kit
