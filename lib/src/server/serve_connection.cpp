#include "websockify/server/serve_connection.hpp"

#include "websockify/http/flash_policy.hpp"
#include "websockify/http/request_head.hpp"
#include "websockify/http/response.hpp"
#include "websockify/net/connect_target.hpp"
#include "websockify/net/connect_unix.hpp"
#include "websockify/net/deadline.hpp"
#include "websockify/net/graceful_close.hpp"
#include "websockify/net/read_proxy_header.hpp"
#include "websockify/net/read_request_head.hpp"
#include "websockify/net/send_now.hpp"
#include "websockify/net/with_timeout.hpp"
#include "websockify/record/record_name.hpp"
#include "websockify/relay/hixie_relay.hpp"
#include "websockify/relay/relay.hpp"
#include "websockify/server/admission.hpp"
#include "websockify/server/client_address.hpp"
#include "websockify/server/target_policy.hpp"
#include "websockify/tls/client_certificate.hpp"
#include "websockify/token/find_token.hpp"
#include "websockify/web/serve.hpp"
#include "websockify/wrap/program_target.hpp"
#include "websockify/ws/frame.hpp"
#include "websockify/ws/handshake.hpp"
#include "websockify/ws/hixie.hpp"
#include "websockify/ws/permessage_deflate.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace websockify::server
{
namespace
{

using std::chrono::steady_clock;
using failure = metrics::handshake_failure;

/// Writes a complete HTTP response, then closes without losing it.
template <class Stream>
net::awaitable<void> answer_and_close(Stream& client, std::string response,
                                      const config::settings& settings)
{
    co_await net::write_all(client, asio::buffer(response));
    co_await net::graceful_close(client, settings.close_timeout);
}

/// What remains of the handshake deadline (zero once it has passed: the next wait times out).
steady_clock::duration time_left(steady_clock::time_point deadline)
{
    return std::max(deadline - steady_clock::now(), steady_clock::duration::zero());
}

/// A TLS ClientHello starts with 0x16 (handshake record) or 0x80 (SSLv2 framing).
bool looks_like_tls(std::byte first)
{
    return first == std::byte{0x16} || first == std::byte{0x80};
}

/// Peeks the first byte without consuming it; nullopt if the client sent nothing in time.
net::awaitable<std::optional<std::byte>> peek_first_byte(net::stream_socket& client,
                                                         steady_clock::duration limit)
{
    std::array<std::byte, 1> first{};
    net::deadline time_limit(client.get_executor(), limit);
    auto [ec, n] = co_await client.async_receive(
        asio::buffer(first), net::stream_socket::message_peek, time_limit.token());
    if (ec || n == 0)
    {
        co_return std::nullopt; // closed, failed or cut by the deadline
    }
    co_return first[0];
}

/// Answers a Flash socket policy request (first byte '<'), as the 2011 websockify did.
net::awaitable<void> answer_flash_policy(net::stream_socket& client, const shared_state& state,
                                         const log::connection_log& log)
{
    const auto& settings = state.settings;
    std::string received(http::flash_policy_request.size(), '\0');
    auto read =
        co_await net::with_timeout(asio::async_read(client, asio::buffer(received), net::use_tuple),
                                   settings.handshake_timeout);
    if (!read || std::get<0>(*read) || !http::is_flash_policy_request(received))
    {
        log.info("bad_request", "first bytes are neither TLS, HTTP nor a Flash policy request");
        state.metrics->handshake_failed(failure::bad_request);
        net::close_now(client);
        co_return;
    }
    log.info("flash_policy", log.peer() + ": Sending flash policy response");
    co_await answer_and_close(client, std::string(http::flash_policy_response), settings);
}

failure head_failure_reason(net::head_read::outcome status)
{
    switch (status)
    {
    case net::head_read::outcome::too_large:
        return failure::too_large;
    case net::head_read::outcome::timed_out:
        return failure::timeout;
    default:
        return failure::client_closed;
    }
}

std::string_view head_failure_text(net::head_read::outcome status)
{
    switch (status)
    {
    case net::head_read::outcome::too_large:
        return "request head too large";
    case net::head_read::outcome::timed_out:
        return "timed out waiting for the request head";
    default:
        return "client closed before sending a request";
    }
}

// Structured log events are built in plain functions: gcc 12 miscompiles braced
// initializer lists inside coroutines ("array used as initializer").

void log_connecting(const log::connection_log& log, const std::string& target)
{
    log.info("connect", "connecting to: " + target, {{"target", target}});
}

void log_connect_failed(const log::connection_log& log, const std::string& target,
                        std::error_code why)
{
    const auto text = why.message();
    log.info("connect_failed", "Failed to connect to " + target + ": " + text,
             {{"target", target}, {"error", text}});
}

void log_bad_handshake(const log::connection_log& log, std::error_code why)
{
    log.info("bad_handshake", "bad WebSocket handshake: " + why.message(),
             {{"status", static_cast<std::uint64_t>(ws::status_for(why))}});
}

void log_upgrade(const log::connection_log& log, std::string_view scheme_line,
                 const std::string& path, ws::subprotocol mode)
{
    log.info("upgrade", log.peer() + ": " + std::string(scheme_line),
             {{"path", path}, {"subprotocol", ws::to_string(mode)}});
    log.info("path", log.peer() + ": Path: '" + path + "'");
}

void log_session_closed(const log::connection_log& log, const std::string& target,
                        const relay::relay_outcome& outcome, steady_clock::duration lasted)
{
    const auto duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(lasted).count();
    const auto side = relay::to_string(outcome.side);
    log.info("session closed",
             "session closed: " + std::string(side) + " closed, code " +
                 std::to_string(outcome.close_code) + ", " +
                 std::to_string(outcome.bytes_from_client) + " bytes from client, " +
                 std::to_string(outcome.bytes_to_client) + " bytes to client",
             {{"client", log.peer()},
              {"client_port", static_cast<std::uint64_t>(log.peer_port())},
              {"target", target},
              {"bytes_from_client", outcome.bytes_from_client},
              {"bytes_to_client", outcome.bytes_to_client},
              {"duration_ms", static_cast<std::int64_t>(duration_ms)},
              {"close_code", static_cast<std::uint64_t>(outcome.close_code)},
              {"close_reason", outcome.close_reason},
              {"closed_by", side}});
}

/// The "session closed" line's notions, as metrics: "client_closed", "target_closed", ...
void count_session_closed(metrics::proxy_metrics& counted, const relay::relay_outcome& outcome)
{
    counted.session_closed(std::string(relay::to_string(outcome.side)) + "_closed",
                           outcome.close_code, outcome.bytes_from_client, outcome.bytes_to_client);
}

/// A session upgraded but never relayed: the client got close 1011 (refuse_unreachable).
void count_connect_failed(metrics::proxy_metrics& counted)
{
    counted.session_closed("connect_failed",
                           static_cast<std::uint16_t>(ws::close_code::internal_error), 0, 0);
}

void log_tls_failure(const log::connection_log& log, std::error_code why)
{
    log.info("tls_failed", "TLS handshake failed: " + why.message(), {{"error", why.message()}});
}

/// Python's access-log shape: "GET /path HTTP/1.1" 200 -
void log_web_request(const log::connection_log& log, const http::request_head& head, int status)
{
    log.info("http",
             "\"" + head.method + " " + head.target + " " + head.version + "\" " +
                 std::to_string(status) + " -",
             {{"method", head.method},
              {"path", head.target},
              {"status", static_cast<std::uint64_t>(status)}});
}

/// The 2010 drafts have no masking, so they are opt-in (spec §3).
std::string hixie_disabled_response()
{
    return http::format_error_response(
        400, "Hixie-75/76 WebSocket drafts are disabled on this server (--hixie enables them); "
             "use an RFC 6455 client (Sec-WebSocket-Version: 13)");
}

/// Without --web only WebSocket upgrades are served (spec §5).
std::string not_an_upgrade_response()
{
    return http::format_error_response(405, "this server only accepts WebSocket upgrades",
                                       {{"Allow", "GET"}});
}

/// Spec §3: the client learns that the target is unreachable from close 1011.
template <class Stream>
net::awaitable<void> refuse_unreachable(Stream& client, const config::settings& settings)
{
    co_await relay::refuse_session(client,
                                   static_cast<std::uint16_t>(ws::close_code::internal_error),
                                   "Failed to connect to downstream server", settings);
}

/// Tells the tracker (--run-once) and the sessions_active gauge when a WebSocket session starts
/// and ends, however it ends.
class websocket_session_mark
{
public:
    websocket_session_mark(session_tracker& sessions, metrics::proxy_metrics& counted)
        : sessions_(sessions), counted_(counted)
    {
        sessions_.websocket_started();
        counted_.session_opened();
    }
    ~websocket_session_mark()
    {
        sessions_.websocket_ended();
        counted_.session_ended();
    }
    websocket_session_mark(const websocket_session_mark&) = delete;
    websocket_session_mark& operator=(const websocket_session_mark&) = delete;
    websocket_session_mark(websocket_session_mark&&) = delete;
    websocket_session_mark& operator=(websocket_session_mark&&) = delete;

private:
    session_tracker& sessions_;
    metrics::proxy_metrics& counted_;
};

config::endpoint tcp_endpoint(const token::target& where)
{
    return config::endpoint{where.host, where.port};
}

auth::client_identity identity_of(net::tls_stream& stream)
{
    return auth::client_identity{tls::verified_client_cn(stream)};
}

/// TCP (with retries while a wrapped program restarts) or a unix socket. A host name admitted
/// by --allow-target through its addresses connects only to allowed addresses.
net::awaitable<result<net::stream_socket>> connect_to_target(const token::target& where,
                                                             const shared_state& state)
{
    const auto& settings = state.settings;
    if (where.is_unix())
    {
        co_return co_await net::connect_unix(where.unix_path, settings.connect_timeout);
    }
    // Locals: connect_target keeps references to them across suspensions, and gcc 12 does not
    // keep temporaries of a co_await expression alive reliably.
    const auto endpoint = tcp_endpoint(where);
    const auto filter = connect_filter(where, state);
    const auto* allowed = filter ? &*filter : nullptr;
    // A wrapped program may be restarting: its port is refused briefly, so retry a while.
    auto connected = co_await net::connect_target(endpoint, settings.connect_timeout,
                                                  wrap::connect_retry_window(settings), allowed);
    co_return connected;
}

/// --record: the file named by the --record prefix or pattern for this session; null without
/// --record or when the file cannot be created (the session goes on unrecorded).
std::unique_ptr<recording::session_recording> open_recording(const shared_state& state,
                                                             const http::request_head& head,
                                                             const log::connection_log& log)
{
    if (state.recorder == nullptr)
    {
        return nullptr;
    }
    const auto& settings = state.settings;
    record::name_fields fields;
    fields.connection = log.id();
    fields.token = token::find_token(head, settings.tokens.from_host).value_or("");
    fields.client = log.peer();
    fields.unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    recording::file_policy policy;
    policy.max_size = settings.record_limits.max_size;
    policy.rotate = settings.record_limits.rotate;
    // Python overwrites FILE.<n>; a pattern names files that outlive restarts and repeat
    // tokens, so an earlier recording is never replaced.
    policy.keep_existing = record::is_pattern(settings.record);
    auto recording = state.recorder->open(record::file_name(settings.record, fields), policy);
    if (recording)
    {
        log.info("record", "opening record file: " + recording->path(),
                 {{"file", recording->path()}});
    }
    return recording;
}

/// Python's wording: "connecting to: host:port" or "connecting to: unix socket PATH".
std::string target_name(const token::target& where)
{
    return where.is_unix() ? "unix socket " + where.unix_path : token::to_string(where);
}

/// --ssl-target: TLS over the connected target, then the relay; nullopt (and the client told)
/// when the TLS handshake fails.
template <class Stream, class RelayFunction>
net::awaitable<std::optional<relay::relay_outcome>>
relay_over_tls(Stream& client, net::stream_socket target, const shared_state& state,
               const log::connection_log& log, const token::target& where,
               const std::string& target_text, RelayFunction& relay_with)
{
    const auto& settings = state.settings;
    auto secured = co_await tls::connect_tls(std::move(target), *state.target_tls, where.host,
                                             settings.target_tls.verify, settings.connect_timeout);
    if (!secured)
    {
        log_connect_failed(log, target_text + " (TLS)", secured.error());
        count_connect_failed(*state.metrics);
        co_await refuse_unreachable(client, settings);
        co_return std::nullopt;
    }
    co_return co_await relay_with(client, *secured, log);
}

/// A WebSocket session after its 101: connects to the target (TCP or unix, then TLS with
/// --ssl-target), hands both streams to `relay_with` (RFC 6455 or Hixie relay), then logs the
/// session's end. It owns the client stream and all the connection holds, so it runs as a
/// coroutine of its own (see start_session).
template <class Stream, class RelayFunction>
net::awaitable<void> relay_to_target(Stream client,
                                     [[maybe_unused]] connection_lifetime lifetime, // held
                                     const shared_state& state, log::connection_log log,
                                     token::target where, RelayFunction relay_with)
{
    const auto& settings = state.settings;
    const websocket_session_mark mark(*state.sessions, *state.metrics);
    const auto started = steady_clock::now();
    const auto target_text = target_name(where);
    log_connecting(log, target_text);
    auto target = co_await connect_to_target(where, state);
    state.metrics->target_connect_took(steady_clock::now() - started);
    if (!target)
    {
        log_connect_failed(log, target_text, target.error());
        count_connect_failed(*state.metrics);
        co_await refuse_unreachable(client, settings);
        co_return;
    }
    // The TLS branch is a coroutine of its own: its stream would otherwise take room in this
    // frame, which every idle session keeps, with or without --ssl-target.
    std::optional<relay::relay_outcome> outcome;
    if (state.target_tls)
    {
        outcome = co_await relay_over_tls(client, std::move(*target), state, log, where,
                                          target_text, relay_with);
    }
    else
    {
        outcome = co_await relay_with(client, *target, log);
    }
    if (outcome)
    {
        log_session_closed(log, target_text, *outcome, steady_clock::now() - started);
        count_session_closed(*state.metrics, *outcome);
    }
}

/// Hands the upgraded client over to its session coroutine (relay_to_target). The handshake's
/// coroutines then return, and with them their frames, the request head and the response: an
/// idle session holds only what it needs (see docs/performance.md).
template <class Stream, class RelayFunction>
void start_session(Stream& client, connection_lifetime& lifetime, const shared_state& state,
                   const log::connection_log& log, token::target where, RelayFunction relay_with)
{
    auto executor = client.get_executor();
    asio::co_spawn(executor,
                   relay_to_target(std::move(client), std::move(lifetime), state, log,
                                   std::move(where), std::move(relay_with)),
                   on_connection_end(log.id()));
}

/// What an RFC 6455 session was agreed in its handshake; relays with it.
struct rfc6455_relay
{
    const config::settings* settings = nullptr;
    session_tracker* sessions = nullptr;
    ws::subprotocol mode = ws::subprotocol::binary;
    std::optional<ws::deflate_params> compression;
    std::string early_bytes; ///< client bytes that came with the request head
    std::unique_ptr<recording::session_recording> recording;

    template <class Stream, class Target>
    net::awaitable<relay::relay_outcome> operator()(Stream& client, Target& target,
                                                    const log::connection_log& log)
    {
        return relay::relay(client, target, mode, std::as_bytes(std::span(early_bytes)), *settings,
                            log, sessions->going_away(client.get_executor()), recording.get(),
                            compression);
    }
};

/// A Hixie-75/76 session (--hixie); always base64.
struct hixie_relay
{
    const config::settings* settings = nullptr;
    session_tracker* sessions = nullptr;
    int draft = 76;
    std::string early_bytes;

    template <class Stream, class Target>
    net::awaitable<relay::relay_outcome> operator()(Stream& client, Target& target,
                                                    const log::connection_log& log)
    {
        return relay::relay_hixie(client, target, draft, std::as_bytes(std::span(early_bytes)),
                                  *settings, log, sessions->going_away(client.get_executor()));
    }
};

/// --compress: permessage-deflate (RFC 7692) for RFC 6455 sessions that offer it, except in
/// base64 mode, whose text frames already cost a third more and are not worth compressing.
std::optional<ws::deflate_params> agree_compression(const config::settings& settings,
                                                    const http::request_head& head,
                                                    ws::subprotocol mode)
{
    if (!settings.compression.enabled || mode == ws::subprotocol::base64)
    {
        return std::nullopt;
    }
    return ws::negotiate_permessage_deflate(ws::extension_offers(head),
                                            settings.compression.max_window_bits);
}

/// The Sec-WebSocket-Extensions value of the 101; empty when nothing was agreed.
std::string extensions_answer(const std::optional<ws::deflate_params>& agreed)
{
    return agreed ? ws::format_deflate_response(*agreed) : std::string();
}

void log_compression(const log::connection_log& log, const std::string& extensions)
{
    if (!extensions.empty())
    {
        log.info("compression", log.peer() + ": Sec-WebSocket-Extensions: " + extensions,
                 {{"extensions", extensions}});
    }
}

/// The 2010 drafts (--hixie): draft 76 proves the handshake with 8 bytes after the head.
template <class Stream>
net::awaitable<void>
serve_hixie(Stream& client, connection_lifetime& lifetime, const http::request_head& head,
            std::string rest, const shared_state& state, const log::connection_log& log,
            std::string_view scheme_line, const auth::client_identity& identity)
{
    const auto& settings = state.settings;
    auto request = ws::validate_hixie(head);
    if (!request)
    {
        log_bad_handshake(log, request.error());
        state.metrics->handshake_failed(failure::bad_handshake);
        co_await answer_and_close(client, ws::format_upgrade_error(request.error()), settings);
        co_return;
    }
    auto admitted = co_await admit_session(head, state, log, identity);
    if (!admitted.target)
    {
        co_await answer_and_close(client, std::move(admitted.refusal), settings);
        co_return;
    }
    std::optional<ws::hixie76_answer> answer;
    if (request->draft == 76)
    {
        const auto have = rest.size();
        if (have < ws::hixie76_key3_size)
        {
            rest.resize(ws::hixie76_key3_size);
            auto read = co_await net::with_timeout(
                asio::async_read(client, asio::buffer(rest.data() + have, rest.size() - have),
                                 net::use_tuple),
                settings.handshake_timeout);
            if (!read || std::get<0>(*read))
            {
                log.info("bad_handshake", "Hixie-76 client did not send its 8 key bytes");
                state.metrics->handshake_failed(failure::bad_handshake);
                net::close_now(client);
                co_return;
            }
        }
        const std::span<const std::byte> received = std::as_bytes(std::span(rest));
        const auto key3 = received.first<ws::hixie76_key3_size>();
        answer = ws::hixie76_challenge(request->key1, request->key2, key3);
        rest.erase(0, ws::hixie76_key3_size);
    }
    constexpr bool tls = std::is_same_v<Stream, net::tls_stream>;
    const auto response = ws::format_hixie_response(*request, tls, answer);
    if (const auto ec = co_await net::write_all(client, asio::buffer(response)); ec)
    {
        net::close_now(client);
        co_return;
    }
    log_upgrade(log, std::string(scheme_line) + " (Hixie-" + std::to_string(request->draft) + ")",
                request->target, ws::subprotocol::base64);
    hixie_relay relay_with;
    relay_with.settings = &settings;
    relay_with.sessions = state.sessions;
    relay_with.draft = request->draft;
    relay_with.early_bytes = std::move(rest);
    start_session(client, lifetime, state, log, std::move(*admitted.target), std::move(relay_with));
}

/// Request head -> upgrade check -> 101 -> target -> relay, or an HTTP error. `log` is a copy:
/// a trusted proxy's request names another client.
template <class Stream>
net::awaitable<void>
serve_upgrade(Stream& client, connection_lifetime& lifetime, const shared_state& state,
              log::connection_log log, std::string_view scheme_line,
              steady_clock::time_point handshake_deadline, const auth::client_identity& identity)
{
    const auto& settings = state.settings;
    auto read = co_await net::read_request_head(client, settings.max_head_size,
                                                time_left(handshake_deadline));
    if (read.status != net::head_read::outcome::complete)
    {
        log.info("bad_request", std::string(head_failure_text(read.status)));
        state.metrics->handshake_failed(head_failure_reason(read.status));
        if (read.status == net::head_read::outcome::too_large)
        {
            co_await answer_and_close(
                client, http::format_error_response(431, "request head too large"), settings);
        }
        else
        {
            net::close_now(client);
        }
        co_return;
    }
    auto head = http::parse_request_head(read.head);
    if (!head)
    {
        log.info("bad_request", "bad request: " + head.error().message());
        state.metrics->handshake_failed(failure::bad_request);
        co_await answer_and_close(client, ws::format_upgrade_error(head.error()), settings);
        co_return;
    }
    // Counted by the client's own address, which a trusted proxy's request head gives; the
    // proxy's connection counted only towards --max-connections until now.
    const bool via_trusted_proxy = state.trusted_proxies.contains(log.peer());
    log = forwarded_log(log, *head, state.trusted_proxies);
    if (via_trusted_proxy && !admit_client_address(state, log.peer(), lifetime.address_place))
    {
        auto refusal = too_many_connections_response();
        co_await answer_and_close(client, std::move(refusal), settings);
        co_return;
    }
    if (!ws::is_websocket_request(*head))
    {
        if (state.web)
        {
            if (auto refusal = refuse_web_request(*head, state, log, identity))
            {
                co_await answer_and_close(client, std::move(*refusal), settings);
                co_return;
            }
            const int status = co_await web::serve(client, *head, *state.web);
            log_web_request(log, *head, status);
            // Also drains a request body the server did not read, so the peer gets no RST.
            co_await net::graceful_close(client, settings.close_timeout);
            co_return;
        }
        log_web_request(log, *head, 405);
        state.metrics->handshake_failed(failure::method_not_allowed);
        co_await answer_and_close(client, not_an_upgrade_response(), settings);
        co_return;
    }
    if (ws::is_hixie_request(*head))
    {
        if (!settings.hixie)
        {
            log.info("bad_handshake", "Hixie-75/76 client refused (start with --hixie to allow)");
            state.metrics->handshake_failed(failure::bad_handshake);
            co_await answer_and_close(client, hixie_disabled_response(), settings);
            co_return;
        }
        co_await serve_hixie(client, lifetime, *head, std::move(read.rest), state, log, scheme_line,
                             identity);
        co_return;
    }
    auto upgrade = ws::validate_upgrade(*head);
    if (!upgrade)
    {
        log_bad_handshake(log, upgrade.error());
        state.metrics->handshake_failed(failure::bad_handshake);
        co_await answer_and_close(client, ws::format_upgrade_error(upgrade.error()), settings);
        co_return;
    }
    auto admitted = co_await admit_session(*head, state, log, identity);
    if (!admitted.target)
    {
        co_await answer_and_close(client, std::move(admitted.refusal), settings);
        co_return;
    }
    const auto mode = ws::choose_subprotocol(upgrade->protocols);
    const auto compression = agree_compression(settings, *head, mode);
    const auto extensions = extensions_answer(compression);
    const auto response = ws::format_upgrade_response(*upgrade, mode, extensions);
    if (const auto ec = co_await net::write_all(client, asio::buffer(response)); ec)
    {
        net::close_now(client);
        co_return;
    }
    log_upgrade(log, scheme_line, upgrade->target, mode);
    log_compression(log, extensions);
    rfc6455_relay relay_with;
    relay_with.settings = &settings;
    relay_with.sessions = state.sessions;
    relay_with.mode = mode;
    relay_with.compression = compression;
    relay_with.early_bytes = std::move(read.rest);
    relay_with.recording = open_recording(state, *head, log);
    start_session(client, lifetime, state, log, std::move(*admitted.target), std::move(relay_with));
}

/// --proxy-protocol: reads the header, whose client becomes the connection's client, and takes
/// its --max-connections-per-ip place. False when the connection was closed instead (no valid
/// header in time, or the address is full).
net::awaitable<bool> accept_proxy_header(net::stream_socket& client, const shared_state& state,
                                         log::connection_log& log,
                                         steady_clock::time_point handshake_deadline,
                                         connection_limits::slot& address_place)
{
    const auto read = co_await net::read_proxy_header(client, time_left(handshake_deadline));
    if (read.status != net::proxy_header_read::outcome::complete)
    {
        log_proxy_header_failure(log, read);
        state.metrics->handshake_failed(proxy_header_failure_reason(read.status));
        net::close_now(client);
        co_return false;
    }
    log = proxied_log(log, read.header);
    // A trusted proxy's client is counted once its request head names it (serve_upgrade).
    if (!state.trusted_proxies.contains(log.peer()) &&
        !admit_client_address(state, log.peer(), address_place))
    {
        auto refusal = too_many_connections_response();
        co_await answer_and_close(client, std::move(refusal), state.settings);
        co_return false;
    }
    co_return true;
}

} // namespace

net::awaitable<void> serve_connection(net::stream_socket client, connection_lifetime lifetime,
                                      const shared_state& state, log::connection_log log)
{
    const auto& settings = state.settings;
    asio::error_code ignored;
    client.set_option(net::tcp::no_delay(true), ignored);
    // One deadline for sniff, TLS handshake and request head: a slow client cannot stretch
    // the handshake by sending each part just in time.
    const auto handshake_deadline = steady_clock::now() + settings.handshake_timeout;
    if (settings.proxy_protocol)
    {
        // Before the sniff: the header precedes the client's TLS or HTTP bytes.
        const bool admitted = co_await accept_proxy_header(client, state, log, handshake_deadline,
                                                           lifetime.address_place);
        if (!admitted)
        {
            co_return;
        }
    }
    const auto first = co_await peek_first_byte(client, time_left(handshake_deadline));
    if (!first)
    {
        log.debug("silent", "client sent nothing");
        const bool timed_out = steady_clock::now() >= handshake_deadline;
        state.metrics->handshake_failed(timed_out ? failure::timeout : failure::client_closed);
        net::close_now(client);
        co_return;
    }
    if (*first == std::byte{'<'})
    {
        co_await answer_flash_policy(client, state, log);
        co_return;
    }
    if (!looks_like_tls(*first))
    {
        if (settings.tls.ssl_only)
        {
            log.info("plain_refused", "non-SSL connection received but disallowed (--ssl-only)");
            state.metrics->handshake_failed(failure::plain_refused);
            net::close_now(client);
            co_return;
        }
        const auth::client_identity no_certificate;
        co_await serve_upgrade(client, lifetime, state, log,
                               "Plain non-SSL (ws://) WebSocket connection", handshake_deadline,
                               no_certificate);
        co_return;
    }
    if (!state.tls)
    {
        log.info("tls_refused", "SSL connection but '" + settings.tls.cert + "' not found");
        state.metrics->handshake_failed(failure::tls_refused);
        net::close_now(client);
        co_return;
    }
    const auto context = state.tls->current();
    lifetime.tls_context = context; // kept by this session across reloads
    net::tls_stream stream(std::move(client), *context);
    auto shook =
        co_await net::with_timeout(stream.async_handshake(net::tls_stream::server, net::use_tuple),
                                   time_left(handshake_deadline));
    const bool tls_ok = shook && !std::get<0>(*shook);
    state.metrics->tls_handshake_done(tls_ok);
    if (!tls_ok)
    {
        log_tls_failure(log, shook ? std::get<0>(*shook) : std::error_code(asio::error::timed_out));
        state.metrics->handshake_failed(failure::tls_failed);
        net::close_now(stream);
        co_return;
    }
    const auto identity = identity_of(stream);
    co_await serve_upgrade(stream, lifetime, state, log, "SSL/TLS (wss://) WebSocket connection",
                           handshake_deadline, identity);
}

} // namespace websockify::server
