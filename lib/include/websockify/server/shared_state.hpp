#pragma once

#include "websockify/config/config.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/web/options.hpp"

#include <memory>
#include <optional>

namespace websockify::server
{

/// What every connection reads; owned by run() and alive until io_context::run() returns.
struct shared_state
{
    const config::settings& settings;
    /// Null when TLS is off. Each session copies the pointer, so a reload can swap in a new
    /// context without touching live sessions.
    std::shared_ptr<asio::ssl::context> tls;
    /// Set with --web: the canonical web root and listing policy.
    std::optional<web::options> web;
};

} // namespace websockify::server
