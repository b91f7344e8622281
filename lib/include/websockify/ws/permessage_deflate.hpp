#pragma once

#include "websockify/http/request_head.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace websockify::ws
{

/// LZ77 window sizes (log2 bytes) that RFC 7692 §7.1.2 allows in *_max_window_bits.
inline constexpr int min_window_bits = 8;
inline constexpr int max_window_bits = 15;
/// zlib cannot compress raw deflate with a 256-byte window (deflateInit2 refuses -8), so our own
/// compressor never goes below 9 and an offer that demands 8 of it is declined.
inline constexpr int min_deflate_window_bits = 9;

/// The agreed parameters of one permessage-deflate session (RFC 7692 §7.1), server's view.
struct deflate_params
{
    /// We reset our compressor after every message (§7.1.1.1).
    bool server_no_context_takeover = false;
    /// The client resets its compressor after every message, so our inflater may too (§7.1.1.2).
    bool client_no_context_takeover = false;
    /// Window of our compressor (§7.1.2.1), 9..15.
    int server_max_window_bits = max_window_bits;
    /// Largest window the client's compressor uses (§7.1.2.2), 8..15; our inflater's size.
    int client_max_window_bits = max_window_bits;
    /// Whether the response names server_max_window_bits / client_max_window_bits (§7.1.2).
    bool answer_server_window = false;
    bool answer_client_window = false;
};

/// Picks the first acceptable permessage-deflate offer of a Sec-WebSocket-Extensions value
/// (several header lines joined by ", "), RFC 7692 §5 and §7.1. An offer with an unknown,
/// duplicate or malformed parameter, or a window zlib cannot honour, is declined; the other
/// extensions are ignored. `window_limit` (9..15) caps both windows where the RFC lets us.
/// nullopt: nothing acceptable, answer without the extension.
std::optional<deflate_params> negotiate_permessage_deflate(std::string_view offers,
                                                           int window_limit = max_window_bits);

/// Every Sec-WebSocket-Extensions line of the request, joined by ", " (RFC 9110 §5.3).
std::string extension_offers(const http::request_head& head);

/// The value of the response's Sec-WebSocket-Extensions header for the agreed parameters,
/// e.g. "permessage-deflate; server_no_context_takeover; client_max_window_bits=12".
std::string format_deflate_response(const deflate_params& params);

} // namespace websockify::ws
