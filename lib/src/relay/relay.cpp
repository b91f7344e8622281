#include "websockify/relay/relay.hpp"

#include "websockify/codec/base64.hpp"
#include "websockify/net/first_to_finish.hpp"
#include "websockify/net/graceful_close.hpp"
#include "websockify/net/peer_reset.hpp"
#include "websockify/net/send_now.hpp"
#include "websockify/net/with_timeout.hpp"
#include "websockify/relay/frame_writer.hpp"
#include "websockify/relay/idle_read.hpp"
#include "websockify/ws/frame_decoder.hpp"
#include "websockify/ws/message_deflater.hpp"
#include "websockify/ws/message_inflater.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <type_traits>
#include <vector>

namespace websockify::relay
{
namespace
{

/// Why one pump stopped. Pumps return this instead of throwing, so that `||` cancels the
/// other pump at once (an operand that throws would leave its sibling running).
enum class pump_stop
{
    client_sent_close,
    client_vanished,
    client_broke_protocol,
    target_closed,
    target_failed,
    server_going_away,
    client_silent, ///< --heartbeat: no answer to pings for several intervals
    session_idle,  ///< --session-idle-timeout: no data either way
};

struct pump_end
{
    pump_stop why = pump_stop::client_vanished;
    std::uint16_t code = 1006;
    std::string reason;
};

/// Close reasons the client sees (spec §3; the 1011 text matches Python websockify).
constexpr std::string_view target_closed_reason = "Target closed";
constexpr std::string_view target_failed_reason = "Target connection failed";
constexpr std::string_view going_away_reason = "Going Away";
constexpr std::string_view silent_reason = "No answer to pings";
constexpr std::string_view idle_reason = "Session idle timeout";

using std::chrono::steady_clock;

pump_end end_with(pump_stop why, ws::close_code code, std::string_view reason)
{
    return pump_end{why, static_cast<std::uint16_t>(code), std::string(reason)};
}

/// The client reset its connection while no read was pending on it (see watch_for_reset).
pump_end client_reset()
{
    return pump_end{pump_stop::client_vanished, 1006, "connection reset by the client"};
}

pump_end server_going_away()
{
    return end_with(pump_stop::server_going_away, ws::close_code::going_away, going_away_reason);
}

/// The pumps and the watches of one session: the first to end ends the session.
using session_parts = net::first_to_finish<pump_end, 5>;

/// The server stops: the session ends with 1001 Going Away.
void watch_going_away(session_parts& parts, net::event& going_away)
{
    const auto member = parts.enlist();
    going_away.async_wait(asio::bind_cancellation_slot(
        parts.slot(member), [parts = parts.shared_from_this(), member](std::error_code ec)
        { parts->finished(member, ec ? std::nullopt : std::optional(server_going_away())); }));
}

/// The client resets its connection while its data waits for a target that does not read
/// (the client's pump is then not reading, so would not notice).
template <class Stream> void watch_for_reset(session_parts& parts, Stream& client)
{
    const auto member = parts.enlist();
    net::async_wait_for_reset(
        client,
        asio::bind_cancellation_slot(
            parts.slot(member), [parts = parts.shared_from_this(), member](bool reset)
            { parts->finished(member, reset ? std::optional(client_reset()) : std::nullopt); }));
}

template <class Stream, class Target> struct session
{
    Stream& client;
    Target& target;
    ws::subprotocol mode;
    const config::settings& settings;
    const log::connection_log& log;
    frame_writer<Stream> writer;
    ws::frame_decoder decoder;
    std::uint64_t from_client = 0;
    std::uint64_t to_client = 0;
    recording::session_recording* recording = nullptr;
    /// For --heartbeat (anything from the client proves it alive) and --session-idle-timeout.
    steady_clock::time_point last_from_client = steady_clock::now();
    steady_clock::time_point last_data = steady_clock::now();
    /// permessage-deflate (RFC 7692), when negotiated: our compressor for the target's bytes,
    /// and the client's messages inflated, with the UTF-8 check of compressed text messages.
    std::optional<ws::message_deflater> deflater{};
    std::optional<ws::message_inflater> inflater{};
    codec::utf8_validator inflated_text{};
    /// The session's pumps and watches; the reset watch joins them late (arm_reset_watch).
    session_parts* parts = nullptr;
    bool reset_watched = false;
};

/// Starts the watch for a client reset, once, when the client's pump first has to wait for the
/// target to take its data: only then would a reset go unnoticed (the pump is not reading the
/// client). Sessions whose target always keeps up never pay for the watch.
template <class Stream, class Target> void arm_reset_watch(session<Stream, Target>& s)
{
    // Once the session is decided the members are being cancelled: a new one would never be.
    if (s.reset_watched || s.parts == nullptr || s.parts->decided())
    {
        return;
    }
    s.reset_watched = true;
    watch_for_reset(*s.parts, s.client);
}

/// Target-bound bytes decoded from one client read, written together in one gather write.
struct target_batch
{
    std::vector<asio::const_buffer> slices; // payload unmasked in place in the read buffer
    std::vector<std::byte> decoded;         // base64 mode: the decoded bytes

    void clear()
    {
        slices.clear();
        decoded.clear();
    }
    bool empty() const { return slices.empty() && decoded.empty(); }
};

void record_batch(recording::session_recording& recording, const target_batch& batch)
{
    if (!batch.decoded.empty())
    {
        recording.add(record::direction::from_client, batch.decoded);
        return;
    }
    for (const auto& slice : batch.slices)
    {
        recording.add(record::direction::from_client,
                      std::span(static_cast<const std::byte*>(slice.data()), slice.size()));
    }
}

template <class Stream, class Target>
net::awaitable<bool> write_to_target(session<Stream, Target>& s, const target_batch& batch)
{
    if (batch.empty())
    {
        co_return true;
    }
    if (s.recording != nullptr)
    {
        record_batch(*s.recording, batch);
    }
    std::array<asio::const_buffer, 1> decoded_bytes;
    decoded_bytes[0] = asio::buffer(batch.decoded);
    const std::span<const asio::const_buffer> all =
        batch.decoded.empty() ? std::span<const asio::const_buffer>(batch.slices) : decoded_bytes;
    std::size_t sent = 0;
    if constexpr (std::is_same_v<Target, net::stream_socket>)
    {
        // Most writes fit in the target's socket buffer: one sendmsg, nothing asynchronous.
        const auto now = net::send_now(s.target, all);
        s.from_client += now.bytes;
        if (now.ec)
        {
            co_return false;
        }
        sent = now.bytes;
        if (sent == asio::buffer_size(all))
        {
            log::traffic('>');
            co_return true;
        }
    }
    std::vector<asio::const_buffer> left(all.begin(), all.end());
    net::drop_front(left, sent);
    arm_reset_watch(s);
    auto [ec, written] = co_await asio::async_write(s.target, left, net::use_tuple);
    s.from_client += written;
    if (!ec)
    {
        log::traffic('>');
    }
    co_return !ec;
}

/// Adds one data event's payload to the batch; a failure ends the session with 1007.
std::optional<pump_end> collect_data(ws::subprotocol mode, const ws::frame_event& event,
                                     codec::base64_decoder& base64, target_batch& batch)
{
    if (mode != ws::subprotocol::base64)
    {
        if (!event.payload.empty())
        {
            batch.slices.push_back(net::as_buffer(std::span<const std::byte>(event.payload)));
        }
        return std::nullopt;
    }
    if (event.message_type != ws::opcode::text)
    {
        // A binary frame in base64 mode already carries raw bytes: relay them as they are.
        batch.decoded.insert(batch.decoded.end(), event.payload.begin(), event.payload.end());
        return std::nullopt;
    }
    auto ec = base64.feed(event.payload, batch.decoded);
    if (!ec && event.message_complete)
    {
        ec = base64.finish();
    }
    if (ec)
    {
        return pump_end{pump_stop::client_broke_protocol,
                        static_cast<std::uint16_t>(ws::close_code::invalid_payload),
                        "Invalid base64 data"};
    }
    return std::nullopt;
}

// Ends of a compressed message, built outside the coroutine below (gcc 12 and braced
// initialisers in coroutines).
pump_end invalid_compressed_data(std::string_view reason)
{
    return pump_end{pump_stop::client_broke_protocol,
                    static_cast<std::uint16_t>(ws::close_code::invalid_payload),
                    std::string(reason)};
}

pump_end inflated_message_too_big()
{
    return pump_end{pump_stop::client_broke_protocol,
                    static_cast<std::uint16_t>(ws::close_code::message_too_big), "message too big"};
}

pump_end target_write_failed()
{
    return pump_end{pump_stop::target_failed,
                    static_cast<std::uint16_t>(ws::close_code::internal_error),
                    std::string(target_failed_reason)};
}

/// A data event of a permessage-deflate session. Uncompressed messages are copied into the
/// batch; compressed ones are inflated a buffer at a time, and each full buffer goes to the
/// target before more is inflated, so a session holds at most one buffer of inflated bytes
/// whatever the message's size (RFC 7692 §7.2.2; over --max-message-size: 1009).
template <class Stream, class Target>
net::awaitable<std::optional<pump_end>>
collect_deflate_data(session<Stream, Target>& s, const ws::frame_event& event, target_batch& batch)
{
    if (!event.compressed)
    {
        // Into `decoded` too, so that the bytes keep their order with inflated ones.
        batch.decoded.insert(batch.decoded.end(), event.payload.begin(), event.payload.end());
        co_return std::nullopt;
    }
    const bool text = event.message_type == ws::opcode::text;
    const std::size_t buffer_size = std::max<std::size_t>(s.settings.buffer_size, 1);
    s.inflater->feed(event.payload, event.message_complete);
    for (;;)
    {
        if (batch.decoded.size() >= buffer_size)
        {
            if (!co_await write_to_target(s, batch))
            {
                co_return target_write_failed();
            }
            s.last_data = steady_clock::now();
            batch.clear();
        }
        const std::size_t before = batch.decoded.size();
        const auto status = s.inflater->inflate(batch.decoded, buffer_size - before);
        const auto inflated = std::span<const std::byte>(batch.decoded).subspan(before);
        // RFC 6455 §8.1 applies to the inflated text, checked as it comes out.
        if (text && !s.inflated_text.feed(inflated))
        {
            co_return invalid_compressed_data("invalid UTF-8 in a text message");
        }
        switch (status)
        {
        case ws::inflate_status::output_full:
            continue;
        case ws::inflate_status::message_too_big:
            co_return inflated_message_too_big();
        case ws::inflate_status::corrupt_data:
            co_return invalid_compressed_data("invalid compressed data");
        case ws::inflate_status::need_input:
            break;
        }
        break;
    }
    if (text && event.message_complete)
    {
        // A code point cut off by the end of the message is as invalid as a bad byte.
        if (!s.inflated_text.complete())
        {
            co_return invalid_compressed_data("invalid UTF-8 in a text message");
        }
        s.inflated_text.reset();
    }
    co_return std::nullopt;
}

template <class Stream, class Target>
net::awaitable<pump_end> client_to_target(session<Stream, Target>& s,
                                          std::span<const std::byte> already_read)
{
    const auto base = std::max(s.settings.buffer_size, already_read.size());
    read_buffer buffer(base, read_growth_limit(base));
    std::size_t filled = already_read.size();
    if (filled > 0)
    {
        std::copy(already_read.begin(), already_read.end(), buffer.get().begin());
    }
    codec::base64_decoder base64;
    target_batch batch;
    for (;;)
    {
        if (filled == 0)
        {
            // read_when_ready's steps, inline: one coroutine frame less per idle session.
            auto ready = read_if_ready(s.client, buffer);
            while (!ready)
            {
                auto woke = co_await wait_to_read(s.client, buffer);
                ready = after_wait(s.client, buffer, woke);
            }
            const auto read = *ready;
            if (read.ec)
            {
                co_return pump_end{pump_stop::client_vanished, 1006, read.ec.message()};
            }
            log::traffic('}');
            filled = read.bytes;
            s.last_from_client = steady_clock::now();
        }
        std::span<std::byte> input(buffer.get().data(), filled);
        filled = 0;
        batch.clear();
        std::optional<pump_end> stop;
        while (!input.empty() && !stop)
        {
            const auto event = s.decoder.next(input);
            input = input.subspan(event.consumed);
            switch (event.kind)
            {
            case ws::frame_event_kind::need_more:
                input = {};
                break;
            case ws::frame_event_kind::data:
                if (s.inflater)
                {
                    stop = co_await collect_deflate_data(s, event, batch);
                }
                else
                {
                    stop = collect_data(s.mode, event, base64, batch);
                }
                break;
            case ws::frame_event_kind::control:
                if (event.control_type == ws::opcode::ping)
                {
                    // RFC 6455 §5.5.3: a pong carries the ping's payload.
                    if (!co_await s.writer.send(ws::opcode::pong, event.payload))
                    {
                        stop = pump_end{pump_stop::client_vanished, 1006, "write failed"};
                    }
                }
                else if (event.control_type == ws::opcode::close)
                {
                    auto info = ws::parse_close_payload(event.payload);
                    stop =
                        pump_end{pump_stop::client_sent_close, info.code, std::move(info.reason)};
                }
                break;
            case ws::frame_event_kind::failed:
                stop = pump_end{pump_stop::client_broke_protocol,
                                static_cast<std::uint16_t>(event.failure),
                                std::string(event.failure_reason)};
                break;
            }
        }
        // Data that preceded a close or a violation in the same read is still delivered.
        if (!batch.empty())
        {
            s.last_data = steady_clock::now();
        }
        if (!co_await write_to_target(s, batch))
        {
            co_return pump_end{pump_stop::target_failed,
                               static_cast<std::uint16_t>(ws::close_code::internal_error),
                               std::string(target_failed_reason)};
        }
        if (stop)
        {
            co_return std::move(*stop);
        }
    }
}

/// A target that closed its side: a TCP FIN, a TLS close_notify, or a TLS peer that closed TCP
/// without close_notify (common among servers, and the data before it was complete).
bool is_orderly_close(const std::error_code& ec)
{
    return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

template <class Stream, class Target>
net::awaitable<pump_end> target_to_client(session<Stream, Target>& s)
{
    read_buffer buffer(s.settings.buffer_size, read_growth_limit(s.settings.buffer_size));
    for (;;)
    {
        auto ready = read_if_ready(s.target, buffer); // read_when_ready inline, as above
        while (!ready)
        {
            auto woke = co_await wait_to_read(s.target, buffer);
            ready = after_wait(s.target, buffer, woke);
        }
        const auto read = *ready;
        const auto ec = read.ec;
        const auto n = read.bytes;
        if (is_orderly_close(ec) && !net::ended_by_reset(s.target))
        {
            co_return pump_end{pump_stop::target_closed,
                               static_cast<std::uint16_t>(ws::close_code::normal),
                               std::string(target_closed_reason)};
        }
        if (ec)
        {
            co_return pump_end{pump_stop::target_failed,
                               static_cast<std::uint16_t>(ws::close_code::internal_error),
                               std::string(target_failed_reason)};
        }
        log::traffic('{');
        s.to_client += n;
        s.last_data = steady_clock::now();
        const auto chunk = std::span<const std::byte>(buffer.get()).first(n);
        if (s.recording != nullptr)
        {
            s.recording->add(record::direction::to_client, chunk);
        }
        bool sent = false;
        if (s.mode == ws::subprotocol::base64)
        {
            const auto text = codec::base64_encode(chunk);
            sent = co_await s.writer.send(ws::opcode::text, std::as_bytes(std::span(text)));
        }
        else if (s.deflater)
        {
            // Each read from the target becomes one compressed message (RFC 7692 §7.2.1).
            const auto compressed = s.deflater->compress(chunk);
            sent = co_await s.writer.send(ws::opcode::binary, compressed, true);
        }
        else
        {
            sent = co_await s.writer.send(ws::opcode::binary, chunk);
        }
        if (!sent)
        {
            co_return pump_end{pump_stop::client_vanished, 1006, "write to client failed"};
        }
        log::traffic('<');
    }
}

/// --heartbeat and --session-idle-timeout: ends the session when the client stops answering
/// pings for several intervals, or when no data moved either way for the idle limit.
template <class Stream, class Target>
net::awaitable<pump_end> watch_liveness(session<Stream, Target>& s)
{
    const auto heartbeat = s.settings.heartbeat;
    const auto idle_limit = s.settings.session_idle_timeout;
    const auto silent_limit = heartbeat * s.settings.heartbeat_misses;
    asio::steady_timer tick(co_await asio::this_coro::executor);
    std::uint32_t pings = 0;
    for (;;)
    {
        const auto now = steady_clock::now();
        if (idle_limit.count() > 0 && now - s.last_data >= idle_limit)
        {
            co_return end_with(pump_stop::session_idle, ws::close_code::going_away, idle_reason);
        }
        if (heartbeat.count() > 0 && now - s.last_from_client >= silent_limit)
        {
            co_return end_with(pump_stop::client_silent, ws::close_code::going_away, silent_reason);
        }
        auto next = steady_clock::time_point::max();
        if (heartbeat.count() > 0)
        {
            next = std::min(next, now + heartbeat);
        }
        if (idle_limit.count() > 0)
        {
            next = std::min(next, s.last_data + idle_limit);
        }
        tick.expires_at(next);
        if (auto [ec] = co_await tick.async_wait(net::use_tuple); ec)
        {
            co_return server_going_away(); // cancelled: the session already ended otherwise
        }
        if (heartbeat.count() > 0)
        {
            // A client that does not read must not stall the watch: the ping gets one interval.
            ++pings;
            const auto payload = std::as_bytes(std::span(&pings, 1));
            co_await net::with_timeout(s.writer.send(ws::opcode::ping, payload), heartbeat);
        }
    }
}

/// A pump that threw: a bug, not peer behaviour. Logged, and the client gets 1011.
pump_end pump_failed(const log::connection_log& log, const std::exception_ptr& failure)
{
    std::string what = "unknown error";
    try
    {
        std::rethrow_exception(failure);
    }
    catch (const std::exception& e)
    {
        what = e.what();
    }
    catch (...) // NOLINT(bugprone-empty-catch): described as "unknown error"
    {
    }
    log.warn("relay_failed", "relay ended by an internal error: " + what);
    return end_with(pump_stop::target_failed, ws::close_code::internal_error, target_failed_reason);
}

/// The close frame for how the session ended, then the end of the client connection. The
/// client's own code is echoed (RFC 6455 §5.5.1); 1005 becomes an empty close payload.
/// Bounded: a client that stopped reading must not keep the session alive.
template <class Stream, class Target>
net::awaitable<void> answer_close(session<Stream, Target>& s, const pump_end& end)
{
    co_await s.writer.send_close(end.code, end.reason, s.settings.close_timeout);
    co_await net::graceful_close(s.client, s.settings.close_timeout);
}

closed_by side_of(pump_stop why)
{
    switch (why)
    {
    case pump_stop::client_sent_close:
    case pump_stop::client_vanished:
        return closed_by::client;
    case pump_stop::target_closed:
    case pump_stop::target_failed:
        return closed_by::target;
    case pump_stop::client_broke_protocol:
    case pump_stop::server_going_away:
    case pump_stop::client_silent:
    case pump_stop::session_idle:
        break;
    }
    return closed_by::server;
}

/// Built outside the coroutine: gcc 12 miscompiles braced initialisers inside coroutines.
ws::decoder_options client_frame_rules(const config::settings& settings, bool compressed)
{
    return ws::decoder_options{
        .max_message_size = settings.max_message_size,
        .require_mask = true,
        .validate_text_utf8 = true,
        .allow_compressed = compressed,
    };
}

/// The zlib streams of a permessage-deflate session, sized by the agreed parameters.
template <class Stream, class Target>
void start_compression(session<Stream, Target>& s, const ws::deflate_params& agreed)
{
    s.deflater.emplace(s.settings.compression.level, agreed.server_max_window_bits,
                       agreed.server_no_context_takeover);
    s.inflater.emplace(agreed.client_max_window_bits, agreed.client_no_context_takeover,
                       s.settings.max_message_size);
}

} // namespace

std::string_view to_string(closed_by side) noexcept
{
    switch (side)
    {
    case closed_by::client:
        return "client";
    case closed_by::target:
        return "target";
    case closed_by::server:
        break;
    }
    return "server";
}

template <class Stream, class Target>
net::awaitable<relay_outcome>
relay(Stream& client, Target& target, ws::subprotocol mode, std::span<const std::byte> already_read,
      const config::settings& settings, const log::connection_log& log, net::event& going_away,
      recording::session_recording* recording, std::optional<ws::deflate_params> compression)
{
    session<Stream, Target> s{
        client,
        target,
        mode,
        settings,
        log,
        frame_writer<Stream>(client, settings.close_timeout),
        ws::frame_decoder(client_frame_rules(settings, compression.has_value()))};
    s.recording = recording;
    if (compression)
    {
        start_compression(s, *compression);
    }

    // The pumps and the watches run side by side until the first of them ends the session;
    // the others are cancelled and waited for, so the close sequence below writes alone. Not
    // in a coroutine of its own: an idle session waits here, and every frame counts.
    auto parts = std::make_shared<session_parts>(client.get_executor());
    auto on_failure = [&log](const std::exception_ptr& e) { return pump_failed(log, e); };
    parts->spawn(client_to_target(s, already_read), on_failure);
    parts->spawn(target_to_client(s), on_failure);
    s.parts = parts.get();
    watch_going_away(*parts, going_away);
    if (settings.heartbeat.count() > 0 || settings.session_idle_timeout.count() > 0)
    {
        parts->spawn(watch_liveness(s), on_failure);
    }
    // The pumps use this frame: it must outlive them even if our caller cancels us.
    co_await asio::this_coro::throw_if_cancelled(false);
    while (!parts->all_finished())
    {
        co_await parts->wait_for_all();
        parts->cancel_running(); // woken early: our caller cancelled us
    }
    pump_end end = parts->take_result();

    relay_outcome outcome{.close_code = end.code,
                          .close_reason = end.reason,
                          .side = side_of(end.why),
                          .bytes_from_client = s.from_client,
                          .bytes_to_client = s.to_client};

    if (end.why == pump_stop::client_sent_close)
    {
        // The target must read everything the client sent before its close. Closing a socket
        // with unread bytes in its receive queue sends a reset, which also drops what the target
        // has not read yet (RFC 6455 §1.4), so the target's side is shut down gently: EOF, and
        // what it still sends is read and dropped until it closes (or close_timeout). The client
        // gets its close answer meanwhile, not after.
        auto target_done = net::graceful_close(target, settings.close_timeout);
        auto client_done = answer_close(s, end);
        co_await (std::move(target_done) && std::move(client_done));
        co_return outcome;
    }
    net::close_now(target);

    if (end.why == pump_stop::client_vanished)
    {
        outcome.close_code = static_cast<std::uint16_t>(ws::close_code::abnormal);
        net::close_now(client);
        co_return outcome;
    }
    co_await answer_close(s, end);
    co_return outcome;
}

template <class Stream>
net::awaitable<void> refuse_session(Stream& client, std::uint16_t code, std::string_view reason,
                                    const config::settings& settings)
{
    frame_writer<Stream> writer(client, settings.close_timeout);
    co_await writer.send_close(code, reason);
    co_await net::graceful_close(client, settings.close_timeout);
}

// One definition for both client streams (ws://, wss://) and both targets (TCP, --ssl-target).
using plain = net::stream_socket;
using secure = net::tls_stream;
template net::awaitable<relay_outcome> relay(plain&, plain&, ws::subprotocol,
                                             std::span<const std::byte>, const config::settings&,
                                             const log::connection_log&, net::event&,
                                             recording::session_recording*,
                                             std::optional<ws::deflate_params>);
template net::awaitable<relay_outcome> relay(plain&, secure&, ws::subprotocol,
                                             std::span<const std::byte>, const config::settings&,
                                             const log::connection_log&, net::event&,
                                             recording::session_recording*,
                                             std::optional<ws::deflate_params>);
template net::awaitable<relay_outcome> relay(secure&, plain&, ws::subprotocol,
                                             std::span<const std::byte>, const config::settings&,
                                             const log::connection_log&, net::event&,
                                             recording::session_recording*,
                                             std::optional<ws::deflate_params>);
template net::awaitable<relay_outcome> relay(secure&, secure&, ws::subprotocol,
                                             std::span<const std::byte>, const config::settings&,
                                             const log::connection_log&, net::event&,
                                             recording::session_recording*,
                                             std::optional<ws::deflate_params>);

template net::awaitable<void> refuse_session<net::stream_socket>(net::stream_socket&, std::uint16_t,
                                                                 std::string_view,
                                                                 const config::settings&);
template net::awaitable<void> refuse_session<net::tls_stream>(net::tls_stream&, std::uint16_t,
                                                              std::string_view,
                                                              const config::settings&);

} // namespace websockify::relay
