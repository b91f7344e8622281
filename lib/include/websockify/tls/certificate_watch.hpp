#pragma once

#include "websockify/config/config.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/tls/context_holder.hpp"

#include <chrono>
#include <functional>

namespace websockify::tls
{

/// Reloads the certificate, key and CA file on SIGHUP and when one of them changes on disk
/// (checked every `poll`), so certificates renewed by e.g. certbot apply without a restart.
/// A reload that fails is logged and the previous context stays in use. `holder` may be null
/// (no TLS). On SIGHUP `also_on_hangup` runs first: the server's other reloads (log file,
/// token stores); it says whether it reloaded anything, so that "nothing to reload" is logged
/// only when nothing was. Runs until cancelled.
net::awaitable<void> watch_certificates(const config::tls_options& options, context_holder* holder,
                                        asio::signal_set& hangup,
                                        std::chrono::steady_clock::duration poll,
                                        std::function<bool()> also_on_hangup);

} // namespace websockify::tls
