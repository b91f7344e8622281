#include "websockify/relay/frame_writer.hpp"

#include <array>

namespace websockify::relay
{
namespace
{

constexpr std::byte rsv1_bit{0x40};

/// Frees the one-slot channel however the write ends. A pump cancelled by `||` while runnable
/// gets an exception from its next co_await (Asio's throw_if_cancelled default); without this
/// guard the lock stayed taken and the close sequence waited on it forever.
class lock_release
{
public:
    explicit lock_release(asio::experimental::channel<void()>& lock) : lock_(lock) {}
    lock_release(const lock_release&) = delete;
    lock_release& operator=(const lock_release&) = delete;
    ~lock_release()
    {
        try
        {
            lock_.try_receive([](auto...) {});
        }
        catch (...) // NOLINT(bugprone-empty-catch): a destructor must not throw; nothing to undo
        {
        }
    }

private:
    asio::experimental::channel<void()>& lock_;
};

} // namespace

template <class Stream>
frame_writer<Stream>::frame_writer(Stream& client)
    : client_(client), lock_(client.get_executor(), 1)
{
}

template <class Stream>
net::awaitable<bool> frame_writer<Stream>::send(ws::opcode op, std::span<const std::byte> payload,
                                                bool compressed)
{
    if (broken_)
    {
        co_return false;
    }
    if (auto [ec] = co_await lock_.async_send(net::use_tuple); ec)
    {
        co_return false;
    }
    const lock_release release(lock_);
    std::array<std::byte, ws::max_frame_header_size> header{};
    const auto header_size = ws::encode_frame_header(header, op, payload.size());
    if (compressed)
    {
        header[0] |= rsv1_bit; // RFC 7692 §6: RSV1 marks a compressed message
    }
    const std::array<asio::const_buffer, 2> frame{
        net::as_buffer(std::span<const std::byte>(header).first(header_size)),
        net::as_buffer(payload)};
    auto [ec, written] = co_await asio::async_write(client_, frame, net::use_tuple);
    if (ec && written != 0 && written != header_size + payload.size())
    {
        broken_ = true;
    }
    co_return !ec;
}

template <class Stream>
net::awaitable<bool> frame_writer<Stream>::send_close(std::uint16_t code, std::string_view reason)
{
    const auto payload = ws::make_close_payload(code, reason);
    co_return co_await send(ws::opcode::close, payload);
}

template class frame_writer<net::stream_socket>;
template class frame_writer<net::tls_stream>;

} // namespace websockify::relay
