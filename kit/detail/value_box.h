// ValueBox: a move-only box for one value of any type, for the Deferred chain.
//
// A Deferred's chain changes the type of its result as callbacks are added, so the
// chain keeps the current result type-erased. Values up to four pointers in size are
// stored inline (ints, pointers, strings, small structs), so a chain of ten callbacks on
// such values allocates nothing for its results.
//
// Thread safety: a value type.
#ifndef KIT_DETAIL_VALUE_BOX_H_
#define KIT_DETAIL_VALUE_BOX_H_

#include <cstddef>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace kit::detail {

class ValueBox {
 public:
  ValueBox() noexcept = default;
  ValueBox(ValueBox&& other) noexcept { take_from(other); }
  ValueBox& operator=(ValueBox&& other) noexcept {
    if (this != &other) {
      reset();
      take_from(other);
    }
    return *this;
  }
  ValueBox(const ValueBox&) = delete;
  ValueBox& operator=(const ValueBox&) = delete;
  ~ValueBox() { reset(); }

  bool empty() const noexcept { return ops_ == nullptr; }
  // type: the stored value's type, or nullptr when empty.
  const std::type_info* type() const noexcept { return ops_ ? &ops_->type() : nullptr; }

  template <typename T, typename... Args>
  void emplace(Args&&... args) {
    reset();
    if constexpr (stored_inline<T>) {
      ::new (static_cast<void*>(&storage_)) T(std::forward<Args>(args)...);
    } else {
      heap_ = new T(std::forward<Args>(args)...);
    }
    ops_ = &ops_for<T>;
  }

  // get: the stored T; the caller has checked type().
  template <typename T>
  T& get() noexcept {
    return *static_cast<T*>(target());
  }
  template <typename T>
  const T& get() const noexcept {
    return *static_cast<const T*>(const_cast<ValueBox*>(this)->target());
  }

  // take: moves the stored T out and leaves the box empty.
  template <typename T>
  T take() {
    T value = std::move(get<T>());
    reset();
    return value;
  }

  void reset() noexcept {
    if (ops_ == nullptr) return;
    const Ops* ops = std::exchange(ops_, nullptr);
    ops->destroy(ops->is_inline ? static_cast<void*>(&storage_) : heap_);
  }

 private:
  struct Storage {
    alignas(std::max_align_t) unsigned char bytes[4 * sizeof(void*)];
  };

  template <typename T>
  static constexpr bool stored_inline =
      sizeof(T) <= sizeof(Storage) &&
      alignof(T) <= alignof(Storage) && std::is_nothrow_move_constructible_v<T>;

  struct Ops {
    const std::type_info& (*type)() noexcept;
    void (*relocate)(Storage* from, Storage* to) noexcept;
    void (*destroy)(void* target) noexcept;
    bool is_inline;
  };

  template <typename T>
  static constexpr Ops ops_for = {
      []() noexcept -> const std::type_info& { return typeid(T); },
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

  void take_from(ValueBox& other) noexcept {
    ops_ = other.ops_;
    if (ops_ == nullptr) return;
    if (ops_->is_inline) {
      ops_->relocate(&other.storage_, &storage_);
    } else {
      heap_ = other.heap_;
    }
    other.ops_ = nullptr;
  }

  union {
    Storage storage_;
    void* heap_ = nullptr;  // initialized so GCC sees no read of an unset member
  };
  const Ops* ops_ = nullptr;
};

}  // namespace kit::detail

#endif  // KIT_DETAIL_VALUE_BOX_H_
