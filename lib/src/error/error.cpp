#include "websockify/error/error.hpp"

#include <string>

namespace websockify
{
namespace
{

class error_category_impl final : public std::error_category
{
public:
    const char* name() const noexcept override { return "websockify"; }

    std::string message(int value) const override
    {
        switch (static_cast<error>(value))
        {
        case error::header_too_large:
            return "request head too large";
        case error::malformed_request_line:
            return "malformed HTTP request line";
        case error::malformed_header:
            return "malformed HTTP header line";
        case error::unsupported_http_version:
            return "unsupported HTTP version (HTTP/1.1 required)";
        case error::bad_method:
            return "WebSocket upgrade must use GET";
        case error::not_an_upgrade:
            return "missing or bad Upgrade header (expected 'websocket')";
        case error::missing_connection_upgrade:
            return "Connection header must contain 'Upgrade'";
        case error::missing_key:
            return "missing Sec-WebSocket-Key header";
        case error::bad_key:
            return "Sec-WebSocket-Key must be base64 of 16 bytes";
        case error::missing_version:
            return "missing Sec-WebSocket-Version header";
        case error::unsupported_version:
            return "unsupported Sec-WebSocket-Version (supported: 13, 8, 7)";
        case error::bad_base64:
            return "invalid base64 data";
        case error::bad_target:
            return "target is not host:port with a port from 1 to 65535";
        }
        return "unknown websockify error";
    }

    std::error_condition default_error_condition(int value) const noexcept override
    {
        const auto e = static_cast<error>(value);
        if (e >= error::header_too_large && e <= error::unsupported_version)
        {
            return make_error_condition(condition::handshake_failed);
        }
        return make_error_condition(condition::protocol_violation);
    }
};

class condition_category_impl final : public std::error_category
{
public:
    const char* name() const noexcept override { return "websockify-condition"; }

    std::string message(int value) const override
    {
        switch (static_cast<condition>(value))
        {
        case condition::handshake_failed:
            return "handshake failed";
        case condition::protocol_violation:
            return "protocol violation";
        }
        return "unknown condition";
    }
};

} // namespace

const std::error_category& error_category() noexcept
{
    static const error_category_impl instance;
    return instance;
}

const std::error_category& condition_category() noexcept
{
    static const condition_category_impl instance;
    return instance;
}

std::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

std::error_condition make_error_condition(condition c) noexcept
{
    return {static_cast<int>(c), condition_category()};
}

} // namespace websockify
