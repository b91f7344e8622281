#include "websockify/relay/hixie_relay.hpp"

#include "websockify/codec/base64.hpp"
#include "websockify/net/graceful_close.hpp"
#include "websockify/ws/hixie.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace websockify::relay
{
namespace
{

struct hixie_end
{
    closed_by side = closed_by::client;
    std::uint16_t code = 1000; // for the log
    std::string reason;
};

template <class Stream, class Target>
net::awaitable<hixie_end>
hixie_client_to_target(Stream& client, Target& target, std::span<const std::byte> already_read,
                       const config::settings& settings, std::uint64_t& delivered)
{
    // base64 inflates by 4/3: the frame limit follows the configured message limit.
    const auto max_frame =
        settings.max_message_size == 0 ? 0 : settings.max_message_size / 3 * 4 + 4;
    ws::hixie_decoder decoder(ws::hixie_decoder_options{static_cast<std::size_t>(max_frame)});
    codec::base64_decoder base64;
    std::vector<std::byte> buffer(std::max(settings.buffer_size, already_read.size()));
    std::copy(already_read.begin(), already_read.end(), buffer.begin());
    std::size_t filled = already_read.size();
    std::vector<std::byte> decoded;
    for (;;)
    {
        if (filled == 0)
        {
            auto [ec, n] = co_await client.async_read_some(asio::buffer(buffer), net::use_tuple);
            if (ec)
            {
                co_return hixie_end{closed_by::client, 1006, ec.message()};
            }
            filled = n;
        }
        std::span<const std::byte> input(buffer.data(), filled);
        filled = 0;
        decoded.clear();
        std::optional<hixie_end> stop;
        while (!input.empty() && !stop)
        {
            const auto event = decoder.next(input);
            input = input.subspan(event.consumed);
            switch (event.kind)
            {
            case ws::hixie_event_kind::need_more:
                input = {};
                break;
            case ws::hixie_event_kind::data:
            {
                auto ec = base64.feed(event.payload, decoded);
                if (!ec && event.frame_complete)
                {
                    ec = base64.finish();
                }
                if (ec)
                {
                    stop = hixie_end{closed_by::server, 1007, "invalid base64 data"};
                }
                break;
            }
            case ws::hixie_event_kind::close:
                stop = hixie_end{closed_by::client, 1000, "closing handshake"};
                break;
            case ws::hixie_event_kind::failed:
                stop = hixie_end{closed_by::server, 1002, event.failure.message()};
                break;
            }
        }
        if (!decoded.empty())
        {
            auto [ec, written] =
                co_await asio::async_write(target, asio::buffer(decoded), net::use_tuple);
            delivered += written;
            if (ec)
            {
                co_return hixie_end{closed_by::target, 1011, "Target connection failed"};
            }
        }
        if (stop)
        {
            co_return std::move(*stop);
        }
    }
}

template <class Stream, class Target>
net::awaitable<hixie_end> hixie_target_to_client(Stream& client, Target& target,
                                                 const config::settings& settings,
                                                 std::uint64_t& relayed, bool& broken)
{
    std::vector<std::byte> buffer(settings.buffer_size);
    for (;;)
    {
        auto [ec, n] = co_await target.async_read_some(asio::buffer(buffer), net::use_tuple);
        if (ec)
        {
            co_return hixie_end{closed_by::target, 1000, "Target closed"};
        }
        relayed += n;
        // Each frame carries its own padded base64, as the Websock JS library decodes it.
        const auto text = codec::base64_encode(std::span<const std::byte>(buffer).first(n));
        const std::array<asio::const_buffer, 3> frame{net::as_buffer(ws::hixie_frame_head),
                                                      asio::buffer(text),
                                                      net::as_buffer(ws::hixie_frame_tail)};
        auto [write_ec, written] = co_await asio::async_write(client, frame, net::use_tuple);
        if (write_ec)
        {
            broken = written != 0;
            co_return hixie_end{closed_by::client, 1006, "write to client failed"};
        }
    }
}

/// The server stops: the drafts have no close codes, so the session just ends.
net::awaitable<hixie_end> hixie_going_away(net::event& going_away)
{
    co_await going_away.wait();
    co_return hixie_end{closed_by::server, 1001, "Going Away"};
}

} // namespace

template <class Stream, class Target>
net::awaitable<relay_outcome>
relay_hixie(Stream& client, Target& target, int draft, std::span<const std::byte> already_read,
            const config::settings& settings, const log::connection_log& /*log*/,
            net::event& going_away)
{
    relay_outcome outcome;
    bool broken = false;
    // Only the target pump writes to the client, so no write lock is needed; the closing
    // bytes go out after `||` has returned.
    auto ended = co_await (
        hixie_client_to_target(client, target, already_read, settings, outcome.bytes_from_client) ||
        hixie_target_to_client(client, target, settings, outcome.bytes_to_client, broken) ||
        hixie_going_away(going_away));
    auto end = std::visit([](hixie_end& e) { return std::move(e); }, ended);
    outcome.close_code = end.code;
    outcome.close_reason = std::move(end.reason);
    outcome.side = end.side;
    net::close_now(target);
    if (end.code == 1006)
    {
        net::close_now(client);
        co_return outcome;
    }
    if (draft == 76 && !broken)
    {
        co_await asio::async_write(client, net::as_buffer(ws::hixie_close_frame), net::use_tuple);
    }
    co_await net::graceful_close(client, settings.close_timeout);
    co_return outcome;
}

using plain = net::stream_socket;
using secure = net::tls_stream;
template net::awaitable<relay_outcome> relay_hixie(plain&, plain&, int, std::span<const std::byte>,
                                                   const config::settings&,
                                                   const log::connection_log&, net::event&);
template net::awaitable<relay_outcome> relay_hixie(plain&, secure&, int, std::span<const std::byte>,
                                                   const config::settings&,
                                                   const log::connection_log&, net::event&);
template net::awaitable<relay_outcome> relay_hixie(secure&, plain&, int, std::span<const std::byte>,
                                                   const config::settings&,
                                                   const log::connection_log&, net::event&);
template net::awaitable<relay_outcome> relay_hixie(secure&, secure&, int,
                                                   std::span<const std::byte>,
                                                   const config::settings&,
                                                   const log::connection_log&, net::event&);

} // namespace websockify::relay
