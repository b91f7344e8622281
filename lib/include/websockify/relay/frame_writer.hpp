#pragma once

#include "websockify/net/asio.hpp"
#include "websockify/ws/frame.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

namespace websockify::relay
{

/// Serialises frames onto the client stream. Data (target pump) and pong replies (client pump)
/// share it, so a one-slot channel acts as the write lock.
template <class Stream> class frame_writer
{
public:
    /// `finish_grace`: how long a frame already being written may go on after its writer was
    /// cancelled (see send()).
    frame_writer(Stream& client, std::chrono::steady_clock::duration finish_grace);

    /// Writes one unfragmented frame (header and payload in one gather write); `compressed`
    /// sets RSV1 for a permessage-deflate payload (RFC 7692 §6).
    /// Cancelling the caller while it waits for its turn gives up at once; once the frame is
    /// being written, cancellation lets it finish for up to `finish_grace` and only then cuts
    /// it (leaving the writer broken). A frame cut in half would leave the client unable to
    /// parse anything after it, the close frame included, and a pump is cancelled whenever
    /// the other direction ends.
    /// A `limit` (zero: none) cuts a write that takes longer, a client that stopped reading,
    /// without a with_timeout around it (which costs two coroutines even when the frame fits in
    /// the socket at once, the usual case). It does not bound the wait for the turn.
    /// False when the client stream failed or the write was cancelled.
    net::awaitable<bool> send(ws::opcode op, std::span<const std::byte> payload,
                              bool compressed = false,
                              std::chrono::steady_clock::duration limit = {});

    /// Sends close(code, reason) unless an interrupted write left a partial frame on the wire.
    net::awaitable<bool> send_close(std::uint16_t code, std::string_view reason,
                                    std::chrono::steady_clock::duration limit = {});

    /// True once a write stopped mid-frame: the peer can no longer parse the stream, so no
    /// further frame (not even a close) may be sent.
    bool broken() const noexcept { return broken_; }

private:
    Stream& client_;
    std::chrono::steady_clock::duration finish_grace_;
    // channel<void()>: Asio 1.22 fails to compile channel<void(error_code)>.
    asio::experimental::channel<void()> lock_;
    bool broken_ = false;
};

} // namespace websockify::relay
