#pragma once

// Byte-vector helpers shared by the codec tests.

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace websockify::test
{

using byte_vector = std::vector<std::byte>;

/// {0x81, 0x05} -> bytes, for frames written out by hand.
inline byte_vector bytes(std::initializer_list<int> values)
{
    byte_vector out;
    for (const int v : values)
    {
        out.push_back(static_cast<std::byte>(v));
    }
    return out;
}

/// The bytes of a string, without a terminator.
inline byte_vector text(std::string_view s)
{
    const auto view = std::as_bytes(std::span(s));
    return {view.begin(), view.end()};
}

} // namespace websockify::test
