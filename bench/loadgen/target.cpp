#include "target.hpp"

#include "pattern.hpp"
#include "peer.hpp"
#include "report.hpp"

#include <csignal>
#include <iostream>
#include <vector>

namespace bench
{
namespace
{

constexpr std::size_t sink_buffer_size = 256 * 1024;
constexpr std::size_t echo_buffer_size = 8 * 1024;

struct target_totals
{
    std::uint64_t connections = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::uint64_t pattern_errors = 0;
};

/// Reads everything; one byte back per `ack_every` bytes, so the client can time arrival.
awaitable<void> serve_sink(tcp::socket socket, const target_options& options, target_totals& totals)
{
    std::vector<std::byte> buffer(sink_buffer_size);
    std::vector<std::byte> acks;
    std::uint64_t received = 0;
    std::uint64_t acked_units = 0;
    for (;;)
    {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), use_tuple);
        if (ec)
        {
            co_return;
        }
        if (options.verify && !matches_pattern(std::span(buffer).first(n), received))
        {
            // Closing tells the client something went wrong; it reports the missing acks.
            totals.pattern_errors += 1;
            std::cerr << "sink: bytes differ from the pattern after " << received << " bytes\n";
            co_return;
        }
        received += n;
        totals.bytes_in += n;
        const auto units = received / options.ack_every;
        if (units > acked_units)
        {
            acks.assign(static_cast<std::size_t>(units - acked_units), std::byte{'a'});
            acked_units = units;
            auto [write_error, written] =
                co_await asio::async_write(socket, asio::buffer(acks), use_tuple);
            if (write_error)
            {
                co_return;
            }
            totals.bytes_out += written;
        }
    }
}

/// Writes the pattern as fast as the connection takes it.
awaitable<void> serve_source(tcp::socket socket, const target_options& options,
                             target_totals& totals)
{
    const auto pattern = make_pattern(options.chunk_size);
    std::uint64_t sent = 0;
    for (;;)
    {
        const auto chunk = pattern_at(pattern, sent, options.chunk_size);
        auto [ec, n] =
            co_await asio::async_write(socket, asio::buffer(chunk.data(), chunk.size()), use_tuple);
        if (ec)
        {
            co_return;
        }
        sent += n;
        totals.bytes_out += n;
    }
}

awaitable<void> serve_echo(tcp::socket socket, target_totals& totals)
{
    std::vector<std::byte> buffer(echo_buffer_size);
    for (;;)
    {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), use_tuple);
        if (ec)
        {
            co_return;
        }
        totals.bytes_in += n;
        auto [write_error, written] =
            co_await asio::async_write(socket, asio::buffer(buffer.data(), n), use_tuple);
        if (write_error)
        {
            co_return;
        }
        totals.bytes_out += written;
    }
}

awaitable<void> serve(tcp::socket socket, const target_options& options, target_totals& totals)
{
    asio::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (options.mode == "sink")
    {
        co_await serve_sink(std::move(socket), options, totals);
    }
    else if (options.mode == "source")
    {
        co_await serve_source(std::move(socket), options, totals);
    }
    else
    {
        co_await serve_echo(std::move(socket), totals);
    }
}

awaitable<void> accept_loop(tcp::acceptor& acceptor, const target_options& options,
                            target_totals& totals)
{
    asio::steady_timer backoff(acceptor.get_executor());
    for (;;)
    {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted)
        {
            co_return;
        }
        if (ec)
        {
            // Out of descriptors, for example: wait instead of spinning on accept.
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(use_tuple);
            continue;
        }
        totals.connections += 1;
        asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), options, totals),
                       asio::detached);
    }
}

/// Serves until a signal, then stops the whole io_context (open connections included).
awaitable<void> serve_until_signal(asio::io_context& io, tcp::acceptor& acceptor,
                                   asio::signal_set& signals, const target_options& options,
                                   target_totals& totals)
{
    co_await (accept_loop(acceptor, options, totals) || signals.async_wait(use_tuple));
    io.stop();
}

} // namespace

int run_target(const target_options& options)
{
    asio::io_context io(1);
    const tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
    tcp::acceptor acceptor(io);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    target_totals totals;

    report ready;
    ready.add("mode", "target");
    ready.add("kind", options.mode);
    ready.add("address", acceptor.local_endpoint().address().to_string());
    ready.add("port", std::uint64_t{acceptor.local_endpoint().port()});
    std::cout << ready.to_json() << std::endl;

    asio::co_spawn(io, serve_until_signal(io, acceptor, signals, options, totals), asio::detached);
    io.run();

    report done;
    done.add("mode", "target");
    done.add("kind", options.mode);
    done.add("connections", totals.connections);
    done.add("bytes_in", totals.bytes_in);
    done.add("bytes_out", totals.bytes_out);
    done.add("pattern_errors", totals.pattern_errors);
    std::cout << done.to_json() << std::endl;
    return totals.pattern_errors == 0 ? 0 : 1;
}

} // namespace bench
