#pragma once

#include "websockify/http/request_head.hpp"
#include "websockify/web/byte_range.hpp"
#include "websockify/web/file_source.hpp"
#include "websockify/web/options.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace websockify::web
{

/// Everything needed to answer one web request: the bytes to send first and, for a GET of a
/// file, the part of the file that follows them.
struct prepared_response
{
    int status = 200;
    std::string head;                ///< status line, headers, and any small body (never for HEAD)
    std::optional<file_source> file; ///< set when file bytes follow `head`
    byte_range body;                 ///< the bytes of `file` to send; ignored without a file
};

/// Decides the answer to a GET or HEAD request for a file under `opts.root` (spec §5): 200,
/// 206, 301, 304, 400, 403, 404, 405 or 416, every one with "Connection: close". `now` is
/// sent as the Date. Touches the filesystem, never a socket; never throws for client input.
prepared_response prepare_response(const http::request_head& request, const options& opts,
                                   std::chrono::sys_seconds now);

} // namespace websockify::web
