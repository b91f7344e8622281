#pragma once

#include "websockify/error/result.hpp"
#include "websockify/http/request_head.hpp"

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace websockify::ws
{

/// The data subprotocols of websockify: raw bytes in binary frames, or base64 text frames.
enum class subprotocol
{
    none,
    binary,
    base64,
};

/// The Sec-WebSocket-Protocol token: "", "binary" or "base64".
std::string_view to_string(subprotocol p) noexcept;

/// A validated RFC 6455 §4.2.1 opening handshake, owning copies of what the server needs.
struct upgrade_request
{
    std::string key;                    ///< Sec-WebSocket-Key (trimmed)
    std::string target;                 ///< request-target, may carry ?token=
    std::vector<std::string> protocols; ///< Sec-WebSocket-Protocol values, client order, trimmed
    int version = 13;                   ///< 13, 8 or 7
};

/// Does this request ask for a WebSocket upgrade (an Upgrade header listing "websocket",
/// case-insensitive)? Otherwise it is a plain web request.
bool is_websocket_request(const http::request_head& head) noexcept;

/// RFC 6455 §4.2.1: GET, HTTP/1.1, Upgrade: websocket, Connection containing Upgrade, a single
/// Sec-WebSocket-Version of 13, 8 or 7, and a single Sec-WebSocket-Key that is base64 of 16
/// bytes. Errors, in check order: bad_method, unsupported_http_version, not_an_upgrade,
/// missing_connection_upgrade, missing_version, unsupported_version (also for duplicates),
/// missing_key, bad_key (also for duplicates).
result<upgrade_request> validate_upgrade(const http::request_head& head);

/// HTTP status for a failed upgrade or head: 426 for unsupported_version, 431 for
/// header_too_large, 405 for bad_method, 400 otherwise.
int status_for(std::error_code ec) noexcept;

/// RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string make_accept_key(std::string_view client_key);

/// binary wherever it appears, else base64, else none (names are case-sensitive, RFC 6455
/// §11.5). Unknown extra protocols never cause a failure, unlike in Python websockify.
subprotocol choose_subprotocol(const std::vector<std::string>& offered) noexcept;

/// RFC 6455 §4.2.2 101 Switching Protocols with Upgrade, Connection, Sec-WebSocket-Accept,
/// Sec-WebSocket-Protocol when chosen != none, and Sec-WebSocket-Extensions when `extensions`
/// (the agreed extensions, e.g. from format_deflate_response) is not empty.
std::string format_upgrade_response(const upgrade_request& request, subprotocol chosen,
                                    std::string_view extensions = {});

/// A complete HTTP error response for a failed upgrade: status_for(ec), the error's message as
/// body text, "Sec-WebSocket-Version: 13" on 426 (RFC 6455 §4.4) and "Allow: GET" on 405
/// (RFC 9110 §15.5.6).
std::string format_upgrade_error(std::error_code ec);

} // namespace websockify::ws
