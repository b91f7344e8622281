#pragma once

#include "websockify/net/asio.hpp"

#include <chrono>
#include <string>

namespace websockify::net
{

/// What arrived before the request head's empty line, or why nothing usable did.
struct head_read
{
    enum class outcome
    {
        complete,  ///< `head` holds the whole head, `rest` the bytes after it
        too_large, ///< no end within the size limit: answer 431
        timed_out, ///< the client stayed silent too long
        closed,    ///< the client went away first
    };
    outcome status = outcome::closed;
    std::string head;
    std::string rest; ///< early WebSocket frames sent right behind the head; never dropped
};

/// Reads an HTTP request head of at most `max_size` bytes within `timeout`.
template <class Stream>
awaitable<head_read> read_request_head(Stream& stream, std::size_t max_size,
                                       std::chrono::steady_clock::duration timeout);

} // namespace websockify::net
