#pragma once

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace websockify
{

/// A value or a `std::error_code`: a minimal stand-in for C++23 `std::expected`, used by the
/// pure codecs so that peer-driven failures are values, never exceptions.
template <class T> class result
{
public:
    result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    result(std::error_code error) : state_(std::in_place_index<1>, error)
    {
        assert(error && "a failed result needs a non-zero error code");
    }
    template <class E>
    requires std::is_error_code_enum_v<E> result(E error)
        : result(std::error_code(make_error_code(error)))
    {
    }

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The failure; an empty code when the result holds a value.
    std::error_code error() const noexcept
    {
        return has_value() ? std::error_code{} : std::get<1>(state_);
    }

private:
    std::variant<T, std::error_code> state_;
};

} // namespace websockify
