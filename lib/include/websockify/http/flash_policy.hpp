#pragma once

#include <string_view>

namespace websockify::http
{

/// What a Flash player sends first to ask whether it may connect (the 2011 websockify
/// answered it on the same port, spec §2); the trailing NUL is part of the request.
inline constexpr std::string_view flash_policy_request{"<policy-file-request/>\0", 23};

/// The answer: every domain may reach every port (websockify is the gate), NUL-terminated.
inline constexpr std::string_view flash_policy_response{
    "<cross-domain-policy><allow-access-from domain=\"*\" to-ports=\"*\" "
    "/></cross-domain-policy>\0",
    89};

/// True when `received` (the first bytes of a connection) is exactly the policy request.
constexpr bool is_flash_policy_request(std::string_view received) noexcept
{
    return received == flash_policy_request;
}

} // namespace websockify::http
