#pragma once

#include "websockify/http/request_head.hpp"
#include "websockify/net/asio.hpp"
#include "websockify/web/options.hpp"

namespace websockify::web
{

/// Bytes read from a file and written to the client per step: a large file is streamed, never
/// held in memory.
inline constexpr std::size_t chunk_size = std::size_t{64} * 1024;

/// Answers one web request on `stream` (whole response written) and returns the HTTP status
/// sent, for the log line. Never throws for client behaviour; I/O errors end it quietly. The
/// response says "Connection: close": the caller closes the stream afterwards.
/// Instantiated for net::stream_socket and net::tls_stream.
template <class Stream>
net::awaitable<int> serve(Stream& stream, const http::request_head& request, const options& opts);

} // namespace websockify::web
