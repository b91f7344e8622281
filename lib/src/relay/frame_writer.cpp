#include "websockify/relay/frame_writer.hpp"

#include "websockify/net/send_now.hpp"

#include <array>
#include <memory>
#include <type_traits>

namespace websockify::relay
{
namespace
{

constexpr std::byte rsv1_bit{0x40};

/// Frees the one-slot channel however the write ends. A pump cancelled while runnable
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
frame_writer<Stream>::frame_writer(Stream& client, std::chrono::steady_clock::duration finish_grace)
    : client_(client), finish_grace_(finish_grace), lock_(client.get_executor(), 1)
{
}

template <class Stream>
net::awaitable<bool> frame_writer<Stream>::send(ws::opcode op, std::span<const std::byte> payload,
                                                bool compressed,
                                                std::chrono::steady_clock::duration limit)
{
    if (broken_)
    {
        co_return false;
    }
    // The lock orders frames between the pumps and the pings/closes; taken at once when free
    // (try_send), so that the direct write below cannot interleave with another writer's.
    if (!lock_.try_send())
    {
        if (auto [ec] = co_await lock_.async_send(net::use_tuple); ec)
        {
            co_return false;
        }
    }
    const lock_release release(lock_);
    std::array<std::byte, ws::max_frame_header_size> header{};
    const auto header_size = ws::encode_frame_header(header, op, payload.size());
    if (compressed)
    {
        header[0] |= rsv1_bit; // RFC 7692 §6: RSV1 marks a compressed message
    }
    std::array<asio::const_buffer, 2> frame{
        net::as_buffer(std::span<const std::byte>(header).first(header_size)),
        net::as_buffer(payload)};
    const auto frame_size = header_size + payload.size();
    std::size_t sent = 0;
    if constexpr (std::is_same_v<Stream, net::stream_socket>)
    {
        // Most frames fit in the socket's buffer: one sendmsg, no asynchronous operation.
        const auto now = net::send_now(client_, frame);
        if (now.ec)
        {
            co_return false;
        }
        if (now.bytes == frame_size)
        {
            co_return true;
        }
        sent = now.bytes;
        net::drop_front(frame, sent);
    }
    // The write listens to `cut` only. `limit` and the caller's cancellation (its slot in the
    // coroutine's cancellation state) set the grace timer, which pulls `cut` when it expires.
    // Shared: an expiry already queued when the write ends may run after this frame is gone.
    auto cut = std::make_shared<asio::cancellation_signal>();
    asio::steady_timer grace(client_.get_executor(), std::chrono::steady_clock::time_point::max());
    auto pull_after = [&grace, cut](std::chrono::steady_clock::duration after)
    {
        grace.expires_after(after);
        grace.async_wait(
            [cut](const asio::error_code& ec)
            {
                if (!ec)
                {
                    cut->emit(asio::cancellation_type::all);
                }
            });
    };
    if (limit.count() > 0)
    {
        pull_after(limit);
    }
    auto caller = co_await asio::this_coro::cancellation_state;
    auto caller_slot = caller.slot();
    // Unconnected when nothing above can cancel this coroutine (e.g. a refusal's close frame).
    if (caller_slot.is_connected())
    {
        caller_slot.assign(
            [&grace, pull_after, finish = finish_grace_](asio::cancellation_type)
            {
                if (grace.expiry() > std::chrono::steady_clock::now() + finish)
                {
                    pull_after(finish); // never later than `limit`
                }
            });
    }
    auto [ec, written] = co_await asio::async_write(
        client_, frame, asio::bind_cancellation_slot(cut->slot(), net::use_tuple));
    if (caller_slot.is_connected())
    {
        caller_slot.clear();
    }
    grace.cancel();
    sent += written;
    if (ec && sent != 0 && sent != frame_size)
    {
        broken_ = true; // the client got part of a frame: nothing after it can make sense
    }
    co_return !ec;
}

template <class Stream>
net::awaitable<bool> frame_writer<Stream>::send_close(std::uint16_t code, std::string_view reason,
                                                      std::chrono::steady_clock::duration limit)
{
    const auto payload = ws::make_close_payload(code, reason);
    co_return co_await send(ws::opcode::close, payload, false, limit);
}

template class frame_writer<net::stream_socket>;
template class frame_writer<net::tls_stream>;

} // namespace websockify::relay
