#pragma once

#include "websockify/config/config.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/tls/context_holder.hpp"

#include <chrono>

namespace websockify::tls
{

/// Reloads the certificate, key and CA file on SIGHUP and when one of them changes on disk
/// (checked every `poll`), so certificates renewed by e.g. certbot apply without a restart.
/// A reload that fails is logged and the previous context stays in use. `holder` may be null
/// (no TLS). SIGHUP also reopens the log file first (log::reopen_files). Runs until cancelled.
net::awaitable<void> watch_certificates(const config::tls_options& options, context_holder* holder,
                                        asio::signal_set& hangup,
                                        std::chrono::steady_clock::duration poll);

} // namespace websockify::tls
