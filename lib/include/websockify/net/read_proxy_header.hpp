#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/proxy/proxy_header.hpp"

#include <chrono>
#include <string_view>

namespace websockify::net
{

/// A PROXY protocol header read off a new connection, or why there is none.
struct proxy_header_read
{
    enum class outcome
    {
        complete,  ///< `header` holds it; the socket is positioned right after it
        invalid,   ///< the first bytes are no PROXY header (or a malformed one): `problem`
        timed_out, ///< the client sent too little within the time allowed
        closed,    ///< the client went away first
    };
    outcome status = outcome::closed;
    proxy::header header;
    std::string_view problem;   ///< invalid: a static reason from the parser
    std::size_t bytes_read = 0; ///< how much of a header arrived before the failure
};

/// Reads a PROXY protocol header (v1 or v2) within `timeout`, consuming exactly its bytes:
/// whatever follows (a TLS ClientHello, an HTTP request) stays in the socket for the sniff.
/// It peeks, and consumes only bytes the parser has shown to belong to the header.
awaitable<proxy_header_read> read_proxy_header(stream_socket& socket,
                                               std::chrono::steady_clock::duration timeout);

} // namespace websockify::net
