// unique_function: a move-only std::function.
//
// Callbacks handed to the kit (delayed calls, call_soon, Deferred chains) often own
// move-only state: a Deferred, a unique_ptr, a coroutine handle. std::function needs
// copyable targets, and C++23's std::move_only_function is not available in C++20, so the
// kit has this small one. Small callables (up to three pointers) are stored inline, so
// scheduling a lambda that captures `this` allocates nothing.
//
// Thread safety: like any value type; distinct objects may be used from distinct threads.
#ifndef KIT_UNIQUE_FUNCTION_H_
#define KIT_UNIQUE_FUNCTION_H_

#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace kit {

template <typename Signature>
class unique_function;

template <typename R, typename... Args>
class unique_function<R(Args...)> {
 public:
  unique_function() noexcept = default;
  unique_function(std::nullptr_t) noexcept {}

  template <typename F>
  requires(!std::is_same_v<std::decay_t<F>, unique_function> &&
           std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
      unique_function(F&& f) {  // NOLINT(google-explicit-constructor): converts like std::function
    using Target = std::decay_t<F>;
    if constexpr (std::is_pointer_v<Target> || std::is_member_pointer_v<Target>) {
      if (f == nullptr) return;
    }
    if constexpr (stored_inline<Target>) {
      ::new (static_cast<void*>(&storage_)) Target(std::forward<F>(f));
    } else {
      heap_ = new Target(std::forward<F>(f));
    }
    ops_ = &ops_for<Target>;
  }

  unique_function(unique_function&& other) noexcept { take(other); }
  unique_function& operator=(unique_function&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  unique_function& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  unique_function(const unique_function&) = delete;
  unique_function& operator=(const unique_function&) = delete;
  ~unique_function() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  // Calls the target. Calling an empty unique_function throws std::bad_function_call.
  R operator()(Args... args) {
    if (ops_ == nullptr) throw std::bad_function_call();
    return ops_->invoke(target(), std::forward<Args>(args)...);
  }

 private:
  struct Storage {
    alignas(std::max_align_t) unsigned char bytes[3 * sizeof(void*)];
  };

  template <typename T>
  static constexpr bool stored_inline =
      sizeof(T) <= sizeof(Storage) &&
      alignof(T) <= alignof(Storage) && std::is_nothrow_move_constructible_v<T>;

  struct Ops {
    R (*invoke)(void* target, Args&&... args);
    // Moves the target from `from` into `to` (inline storage only) and destroys the source.
    void (*relocate)(Storage* from, Storage* to) noexcept;
    void (*destroy)(void* target) noexcept;
    bool is_inline;
  };

  template <typename T>
  static constexpr Ops ops_for = {
      [](void* target, Args&&... args) -> R {
        return std::invoke(*static_cast<T*>(target), std::forward<Args>(args)...);
      },
      [](Storage* from, Storage* to) noexcept {
        if constexpr (stored_inline<T>) {
          T* source = std::launder(reinterpret_cast<T*>(from));
          ::new (static_cast<void*>(to)) T(std::move(*source));
          source->~T();
        }
      },
      [](void* target) noexcept {
        if constexpr (stored_inline<T>) {
          static_cast<T*>(target)->~T();
        } else {
          delete static_cast<T*>(target);
        }
      },
      stored_inline<T>,
  };

  void* target() noexcept { return ops_->is_inline ? static_cast<void*>(&storage_) : heap_; }

  void take(unique_function& other) noexcept {
    ops_ = other.ops_;
    if (ops_ == nullptr) return;
    if (ops_->is_inline) {
      ops_->relocate(&other.storage_, &storage_);
    } else {
      heap_ = other.heap_;
    }
    other.ops_ = nullptr;
  }

  void reset() noexcept {
    if (ops_ == nullptr) return;
    const Ops* ops = std::exchange(ops_, nullptr);
    ops->destroy(ops->is_inline ? static_cast<void*>(&storage_) : heap_);
  }

  union {
    Storage storage_;
    void* heap_ = nullptr;  // initialized so GCC sees no read of an unset member
  };
  const Ops* ops_ = nullptr;
};

}  // namespace kit

#endif  // KIT_UNIQUE_FUNCTION_H_
