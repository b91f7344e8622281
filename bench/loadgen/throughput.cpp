// upload and download: one connection, as many bytes as it carries in the duration.
#include "mode_report.hpp"
#include "modes.hpp"
#include "pattern.hpp"

#include <limits>
#include <vector>

namespace bench
{
namespace
{

constexpr std::size_t default_message_size = 64 * 1024;
constexpr std::size_t default_read_size = 256 * 1024;
/// How long the sink may take to acknowledge the last bytes after sending stopped.
constexpr double ack_wait_seconds = 30;

struct upload_state
{
    explicit upload_state(const asio::any_io_executor& executor) : wake(executor) {}
    std::uint64_t sent = 0;
    std::uint64_t acked_units = 0;
    std::uint64_t wanted_units = std::numeric_limits<std::uint64_t>::max();
    clock::time_point last_ack;
    asio::steady_timer wake; ///< cancelled when the last wanted acknowledgement arrives
};

/// Each byte the sink sends back acknowledges `ack_every` bytes received.
awaitable<void> count_acks(peer& client, upload_state& state)
{
    std::vector<std::byte> acks(4096);
    for (;;)
    {
        const auto n = co_await client.receive(acks);
        if (n == 0)
        {
            co_return;
        }
        state.acked_units += n;
        state.last_ack = clock::now();
        if (state.acked_units >= state.wanted_units)
        {
            state.wake.cancel();
        }
    }
}

awaitable<void> send_then_await_acks(peer& client, upload_state& state, std::size_t size,
                                     std::uint64_t ack_every, clock::time_point deadline)
{
    const auto pattern = make_pattern(size);
    while (clock::now() < deadline)
    {
        const auto slice = pattern_at(pattern, state.sent, size);
        const bool sent = co_await client.send(slice);
        if (!sent)
        {
            co_return;
        }
        state.sent += size;
    }
    state.wanted_units = state.sent / ack_every;
    const auto limit = deadline_after(ack_wait_seconds);
    while (state.acked_units < state.wanted_units && clock::now() < limit)
    {
        state.wake.expires_at(limit);
        co_await state.wake.async_wait(use_tuple);
    }
}

void add_rate(report& r, std::uint64_t bytes, double seconds)
{
    r.add("bytes", bytes);
    r.add("seconds", seconds);
    r.add("mb_per_s", seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0);
}

} // namespace

awaitable<report> run_upload(const run_options& options)
{
    const auto executor = co_await asio::this_coro::executor;
    auto r = make_report("upload", options);
    const std::size_t size = options.message_size > 0 ? options.message_size : default_message_size;
    r.add("message_size", std::uint64_t{size});
    peer client(executor, options.connect);
    const bool opened = co_await open_for_report(client, r);
    if (!opened)
    {
        co_return r;
    }
    upload_state state(executor);
    const auto start = clock::now();
    state.last_ack = start;
    const auto deadline = deadline_after(options.duration_seconds);
    co_await (count_acks(client, state) ||
              send_then_await_acks(client, state, size, options.ack_every, deadline));
    const bool complete = state.acked_units >= state.wanted_units && state.wanted_units > 0;
    add_rate(r, state.acked_units * options.ack_every, seconds_between(start, state.last_ack));
    r.add("bytes_sent", state.sent);
    r.add("ack_every", options.ack_every);
    r.add("ok", complete);
    if (!complete)
    {
        r.add("error", client.error().empty()
                           ? "the sink acknowledged " + std::to_string(state.acked_units) + " of " +
                                 std::to_string(state.sent / options.ack_every) + " units"
                           : client.error());
    }
    co_await client.close();
    co_return r;
}

awaitable<report> run_download(const run_options& options)
{
    const auto executor = co_await asio::this_coro::executor;
    auto r = make_report("download", options);
    const std::size_t size = options.message_size > 0 ? options.message_size : default_read_size;
    peer client(executor, options.connect);
    const bool opened = co_await open_for_report(client, r);
    if (!opened)
    {
        co_return r;
    }
    std::vector<std::byte> buffer(size);
    std::uint64_t bytes = 0;
    std::string problem;
    const auto start = clock::now();
    const auto deadline = deadline_after(options.duration_seconds);
    while (clock::now() < deadline)
    {
        const auto n = co_await client.receive(buffer);
        if (n == 0)
        {
            problem = client.error().empty() ? "connection closed" : client.error();
            break;
        }
        if (options.verify && !matches_pattern(std::span(buffer).first(n), bytes))
        {
            problem = "byte stream differs from the source's pattern after " +
                      std::to_string(bytes) + " bytes";
            break;
        }
        bytes += n;
    }
    add_rate(r, bytes, seconds_between(start, clock::now()));
    r.add("verified", options.verify);
    r.add("ok", problem.empty());
    if (!problem.empty())
    {
        r.add("error", problem);
    }
    co_await client.close();
    co_return r;
}

} // namespace bench
