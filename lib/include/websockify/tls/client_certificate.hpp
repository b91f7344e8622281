#pragma once

#include "websockify/net/asio.hpp"

#include <optional>
#include <string>

namespace websockify::tls
{

/// The common name of the client certificate of a finished handshake, only when OpenSSL
/// verified that certificate (--verify-client); nullopt otherwise. ClientCertCNAuth trusts
/// nothing else.
std::optional<std::string> verified_client_cn(net::tls_stream& stream);

} // namespace websockify::tls
