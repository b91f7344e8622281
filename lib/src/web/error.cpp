#include "websockify/web/error.hpp"

#include <string>

namespace websockify::web
{
namespace
{

class error_category_impl final : public std::error_category
{
public:
    const char* name() const noexcept override { return "websockify-web"; }

    std::string message(int value) const override
    {
        switch (static_cast<error>(value))
        {
        case error::method_not_allowed:
            return "only GET and HEAD are allowed";
        case error::bad_target:
            return "the request-target must be a path starting with '/'";
        case error::bad_percent_encoding:
            return "'%' in the path must be followed by two hex digits";
        case error::dot_segment:
            return "'..' is not allowed in the path";
        case error::encoded_separator:
            return "encoded '/' or '\\' is not allowed in the path";
        case error::backslash:
            return "'\\' is not allowed in the path";
        case error::nul_byte:
            return "NUL bytes are not allowed in the path";
        case error::not_found:
        case error::outside_root:
            // The same text for both: a client must not learn what exists outside the root.
            return "no such file";
        case error::listing_disabled:
            return "directory listing is disabled";
        case error::not_a_file:
            return "not a regular file";
        }
        return "unknown web error";
    }
};

} // namespace

const std::error_category& error_category() noexcept
{
    static const error_category_impl instance;
    return instance;
}

std::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

int status_for(std::error_code ec) noexcept
{
    if (ec.category() == error_category())
    {
        switch (static_cast<error>(ec.value()))
        {
        case error::method_not_allowed:
            return 405;
        case error::bad_target:
        case error::bad_percent_encoding:
            return 400;
        case error::dot_segment:
        case error::encoded_separator:
        case error::backslash:
        case error::nul_byte:
            return 403;
        case error::not_found:
        case error::outside_root:
        case error::listing_disabled:
        case error::not_a_file:
            return 404;
        }
        return 404;
    }
    if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted)
    {
        return 403;
    }
    return 404;
}

} // namespace websockify::web
