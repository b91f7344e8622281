#pragma once

#include "websockify/config/config.hpp"
#include "websockify/net/asio.hpp"

#include <asio/ssl.hpp>
#include <memory>

namespace websockify::tls
{

/// The client-facing stream once a connection turned out to speak TLS.
using stream = net::tls_stream;

/// Builds the server context from --cert/--key/--key-password/--ssl-version/--ssl-ciphers/
/// --verify-client/--cafile. Defaults: TLS 1.2 minimum, no compression, no client-initiated
/// renegotiation. Throws net::startup_error with one readable line (file, reason).
std::shared_ptr<asio::ssl::context> make_server_context(const config::tls_options& options);

} // namespace websockify::tls
