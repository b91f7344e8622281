#pragma once

#include "websockify/config/config.hpp"
#include "websockify/error/result.hpp"
#include "websockify/net/asio.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace websockify::tls
{

/// The client context for --ssl-target, or null when it is off. TLS 1.2 minimum; the target's
/// certificate is verified against --ssl-target-cafile or the system CAs unless
/// --ssl-target-no-verify. Throws net::startup_error with one readable line.
std::shared_ptr<asio::ssl::context> make_target_context(const config::target_tls_options& options);

/// Wraps a connected target socket in TLS: SNI and host name check for `host`, bounded
/// handshake. Returns the stream, or the error that stopped it.
net::awaitable<result<net::tls_stream>> connect_tls(net::stream_socket socket,
                                                    asio::ssl::context& context,
                                                    const std::string& host, bool verify,
                                                    std::chrono::steady_clock::duration timeout);

} // namespace websockify::tls
