// kit::source_location: std::source_location where the standard library has it, and the
// same four accessors built on the compiler's builtins where it does not (libstdc++ 12
// under clang 14, the fuzzing build), so a Deferred can name where it was created in
// every build.
//
// Thread safety: a value type.
#ifndef KIT_SOURCE_LOCATION_H_
#define KIT_SOURCE_LOCATION_H_

#include <version>

#if defined(__cpp_lib_source_location)
#include <source_location>
#else
#include <cstdint>
#endif

namespace kit {

#if defined(__cpp_lib_source_location)

using source_location = std::source_location;

#else

class source_location {
 public:
  static constexpr source_location current(
      const char* file = __builtin_FILE(), const char* function = __builtin_FUNCTION(),
      std::uint_least32_t line = __builtin_LINE(),
      std::uint_least32_t column = __builtin_COLUMN()) noexcept {
    source_location where;
    where.file_ = file;
    where.function_ = function;
    where.line_ = line;
    where.column_ = column;
    return where;
  }

  constexpr source_location() noexcept = default;

  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return column_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
  std::uint_least32_t column_ = 0;
};

#endif

}  // namespace kit

#endif  // KIT_SOURCE_LOCATION_H_
