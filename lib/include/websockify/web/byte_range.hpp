#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace websockify::web
{

/// An inclusive byte range [first, last] of a representation (RFC 9110 §14.1.2).
struct byte_range
{
    std::uint64_t first = 0;
    std::uint64_t last = 0;

    std::uint64_t length() const noexcept { return last - first + 1; }
    friend bool operator==(const byte_range&, const byte_range&) = default;
};

/// What a Range header asks of a representation of a given size.
struct range_request
{
    enum class kind
    {
        whole,         ///< no usable Range: send 200 with everything
        partial,       ///< one satisfiable range: send 206 with `range`
        unsatisfiable, ///< 416 with "Content-Range: bytes */size"
    };
    kind what = kind::whole;
    byte_range range; ///< clamped to the size; meaningful for `partial` only
};

/// Interprets a Range header value (RFC 9110 §14.2) for a representation of `size` bytes.
/// Only one range is served: "bytes=a-b", "bytes=a-" and "bytes=-n". Several ranges, another
/// unit or a malformed value are ignored (whole), as §14.2 allows.
range_request parse_range(std::string_view value, std::uint64_t size) noexcept;

/// Content-Range value for a 206 (RFC 9110 §14.4): "bytes first-last/size".
std::string format_content_range(const byte_range& range, std::uint64_t size);

/// Content-Range value for a 416 (RFC 9110 §15.5.17): "bytes */size".
std::string format_unsatisfied_range(std::uint64_t size);

} // namespace websockify::web
