#include "kit/failure.h"

#include <utility>

namespace kit {
namespace {

class KitCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kit"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::connection_done:
        return "connection closed cleanly";
      case errc::connection_lost:
        return "connection lost";
      case errc::connection_aborted:
        return "connection aborted";
      case errc::timed_out:
        return "timed out";
      case errc::cancelled:
        return "cancelled";
      case errc::exception:
        return "exception";
      case errc::protocol_error:
        return "protocol error";
    }
    return "unknown kit error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& kit_category() noexcept {
  static const KitCategory category;
  return category;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), kit_category()}; }

Failure::Failure(std::error_code code, std::string message)
    : code_(code), message_(std::move(message)) {}

Failure::Failure(errc code, std::string message)
    : Failure(make_error_code(code), std::move(message)) {}

Failure::Failure(std::exception_ptr exception)
    : code_(make_error_code(errc::exception)), exception_(std::move(exception)) {
  try {
    if (exception_) std::rethrow_exception(exception_);
  } catch (const FailureError& e) {
    code_ = e.failure().code();
    message_ = e.failure().message();
  } catch (const std::system_error& e) {
    code_ = e.code();
    message_ = e.what();
  } catch (const std::exception& e) {
    message_ = e.what();
  } catch (...) {
    message_ = "unknown exception";
  }
}

Failure Failure::current_exception() { return Failure(std::current_exception()); }

std::string Failure::what() const {
  std::string code_text = code_.message();
  if (message_.empty() || message_ == code_text) return code_text;
  if (code_ == errc::exception) return message_;
  return message_ + ": " + code_text;
}

void Failure::rethrow() const {
  if (exception_) std::rethrow_exception(exception_);
  throw FailureError(*this);
}

FailureError::FailureError(Failure failure)
    : std::system_error(failure.code(), failure.message()), failure_(std::move(failure)) {}

}  // namespace kit
