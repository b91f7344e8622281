// connections (many held at once) and handshakes (connections opened and closed in a loop).
#include "join.hpp"
#include "mode_report.hpp"
#include "modes.hpp"
#include "process_memory.hpp"

#include <memory>
#include <vector>

namespace bench
{
namespace
{

constexpr std::size_t default_message_size = 64;
constexpr auto close_limit = std::chrono::seconds(2);

struct held_connections
{
    held_connections(const run_options& run, std::size_t size) : options(run), peers(size) {}
    const run_options& options;
    std::vector<std::unique_ptr<peer>> peers;
    std::size_t next = 0;
    std::uint64_t opened = 0;
    std::uint64_t errors = 0;
    std::string first_error;
    std::uint64_t messages = 0;
    clock::time_point deadline;
    std::size_t message_size = default_message_size;

    void note_error(const std::string& error)
    {
        errors += 1;
        if (first_error.empty())
        {
            first_error = error;
        }
    }
};

/// Message `sequence` of connection `id`: the echo must give back exactly these bytes.
void stamp_message(std::vector<std::byte>& message, std::uint64_t id, std::uint64_t sequence)
{
    for (std::size_t i = 0; i < message.size(); ++i)
    {
        message[i] = std::byte{static_cast<std::uint8_t>((id * 31 + sequence + i) & 0xFFU)};
    }
}

/// Sends one message and checks its echo; false (with the reason noted) on any difference.
awaitable<bool> echo_once(peer& client, std::vector<std::byte>& message,
                          std::vector<std::byte>& reply, std::string& problem)
{
    const bool sent = co_await client.send(message);
    if (!sent)
    {
        problem = client.error();
        co_return false;
    }
    const bool received = co_await client.receive_exact(reply);
    if (!received)
    {
        problem = client.error();
        co_return false;
    }
    if (reply != message)
    {
        problem = "echo differs from the message sent";
        co_return false;
    }
    co_return true;
}

/// Takes the next unopened slot until all are taken; `in_flight` of these run at once.
awaitable<void> open_next(held_connections& held)
{
    const auto executor = co_await asio::this_coro::executor;
    while (held.next < held.peers.size())
    {
        auto& slot = held.peers[held.next++];
        slot = std::make_unique<peer>(executor, held.options.connect);
        const bool opened = co_await slot->open();
        if (opened)
        {
            held.opened += 1;
        }
        else
        {
            held.note_error(slot->error());
        }
    }
}

/// Echoes once on connection `id`, then, if `until_deadline`, again until the deadline.
awaitable<void> echo_on(held_connections& held, std::size_t id, bool until_deadline)
{
    auto& client = *held.peers[id];
    if (!client.usable())
    {
        co_return;
    }
    std::vector<std::byte> message(held.message_size);
    std::vector<std::byte> reply(held.message_size);
    std::string problem;
    for (std::uint64_t sequence = 0;; ++sequence)
    {
        stamp_message(message, id, sequence);
        const bool echoed = co_await echo_once(client, message, reply, problem);
        if (!echoed)
        {
            held.note_error(problem);
            co_return;
        }
        if (!until_deadline)
        {
            co_return;
        }
        held.messages += 1;
        if (clock::now() >= held.deadline)
        {
            co_return;
        }
    }
}

awaitable<void> close_held(peer& client)
{
    co_await client.close(close_limit);
}

awaitable<void> pause(double seconds)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(deadline_after(seconds));
    co_await timer.async_wait(use_tuple);
}

void add_memory(report& r, std::string_view prefix, const process_memory& memory)
{
    r.add(std::string(prefix) + "_processes", memory.processes);
    r.add(std::string(prefix) + "_rss_kib", memory.rss_kib);
    r.add(std::string(prefix) + "_pss_kib", memory.pss_kib);
}

double per_connection(std::uint64_t before, std::uint64_t after, std::uint64_t connections)
{
    if (connections == 0)
    {
        return 0;
    }
    return (static_cast<double>(after) - static_cast<double>(before)) /
           static_cast<double>(connections);
}

} // namespace

awaitable<report> run_connections(const run_options& options)
{
    auto r = make_report("connections", options);
    held_connections held(options, options.count);
    if (options.message_size > 0)
    {
        held.message_size = options.message_size;
    }
    r.add("connections", std::uint64_t{options.count});
    r.add("pid", options.pid);
    const auto before = read_process_memory(options.pid);

    const auto open_start = clock::now();
    const auto openers = std::max<std::size_t>(1, std::min(options.in_flight, options.count));
    co_await run_all(openers, [&held](std::size_t) { return open_next(held); });
    const auto open_seconds = seconds_between(open_start, clock::now());
    const auto after_open = read_process_memory(options.pid);

    // One echo on each connection proves its target connection exists before memory is read.
    co_await run_all(held.peers.size(),
                     [&held](std::size_t id) { return echo_on(held, id, false); });
    const auto established_seconds = seconds_between(open_start, clock::now());
    co_await pause(options.settle_seconds);
    const auto idle = read_process_memory(options.pid);

    held.deadline = deadline_after(options.duration_seconds);
    const auto echo_start = clock::now();
    co_await run_all(held.peers.size(),
                     [&held](std::size_t id) { return echo_on(held, id, true); });
    const auto echo_seconds = seconds_between(echo_start, clock::now());
    const auto busy = read_process_memory(options.pid);

    r.add("opened", held.opened);
    r.add("open_seconds", open_seconds);
    r.add("established_seconds", established_seconds);
    r.add("open_parallel", std::uint64_t{openers});
    r.add("messages", held.messages);
    r.add("echo_seconds", echo_seconds);
    r.add("msgs_per_s", echo_seconds > 0 ? static_cast<double>(held.messages) / echo_seconds : 0.0);
    r.add("errors", held.errors);
    if (options.pid > 0)
    {
        add_memory(r, "before", before);
        add_memory(r, "open", after_open);
        add_memory(r, "idle", idle);
        add_memory(r, "busy", busy);
        r.add("open_rss_kib_per_connection",
              per_connection(before.rss_kib, after_open.rss_kib, held.opened));
        r.add("rss_kib_per_connection", per_connection(before.rss_kib, idle.rss_kib, held.opened));
        r.add("pss_kib_per_connection", per_connection(before.pss_kib, idle.pss_kib, held.opened));
        r.add("busy_rss_kib_per_connection",
              per_connection(before.rss_kib, busy.rss_kib, held.opened));
    }
    if (!held.peers.empty() && held.peers.front())
    {
        r.add("tls", held.peers.front()->tls_description());
    }
    const bool ok = held.errors == 0 && held.opened == options.count;
    r.add("ok", ok);
    if (!held.first_error.empty())
    {
        r.add("error", held.first_error);
    }
    co_await run_all(held.peers.size(),
                     [&held](std::size_t id) { return close_held(*held.peers[id]); });
    co_return r;
}

namespace
{

struct cycle_totals
{
    explicit cycle_totals(const run_options& run) : options(run) {}
    const run_options& options;
    clock::time_point deadline;
    std::uint64_t cycles = 0;
    std::uint64_t errors = 0;
    double cycle_seconds = 0; ///< summed over successful cycles
    std::string first_error;
    std::string tls;
};

/// Connect, upgrade, one echo, close; again until the deadline.
awaitable<void> cycle_until_deadline(cycle_totals& totals, std::size_t worker)
{
    const auto executor = co_await asio::this_coro::executor;
    const std::size_t size =
        totals.options.message_size > 0 ? totals.options.message_size : default_message_size;
    std::vector<std::byte> message(size);
    std::vector<std::byte> reply(size);
    std::string problem;
    for (std::uint64_t sequence = 0; clock::now() < totals.deadline; ++sequence)
    {
        const auto started = clock::now();
        auto client = std::make_unique<peer>(executor, totals.options.connect);
        bool ok = co_await client->open();
        problem = ok ? std::string() : client->error();
        if (ok)
        {
            stamp_message(message, worker, sequence);
            ok = co_await echo_once(*client, message, reply, problem);
        }
        if (ok && totals.tls.empty())
        {
            totals.tls = client->tls_description();
        }
        co_await client->close(close_limit);
        if (ok)
        {
            totals.cycles += 1;
            totals.cycle_seconds += seconds_between(started, clock::now());
            continue;
        }
        totals.errors += 1;
        if (totals.first_error.empty())
        {
            totals.first_error = problem;
        }
        // A refused or reset connection fails at once; don't spin on it.
        co_await pause(0.01);
    }
}

} // namespace

awaitable<report> run_handshakes(const run_options& options)
{
    auto r = make_report("handshakes", options);
    cycle_totals totals(options);
    const auto workers = std::max<std::size_t>(1, options.in_flight);
    const auto start = clock::now();
    totals.deadline = deadline_after(options.duration_seconds);
    co_await run_all(workers, [&totals](std::size_t worker)
                     { return cycle_until_deadline(totals, worker); });
    const auto seconds = seconds_between(start, clock::now());
    r.add("in_flight", std::uint64_t{workers});
    r.add("cycles", totals.cycles);
    r.add("seconds", seconds);
    r.add("cycles_per_s", seconds > 0 ? static_cast<double>(totals.cycles) / seconds : 0.0);
    r.add("mean_cycle_us", totals.cycles > 0
                               ? totals.cycle_seconds / static_cast<double>(totals.cycles) * 1e6
                               : 0.0);
    r.add("errors", totals.errors);
    r.add("tls", totals.tls);
    r.add("ok", totals.errors == 0 && totals.cycles > 0);
    if (!totals.first_error.empty())
    {
        r.add("error", totals.first_error);
    }
    co_return r;
}

} // namespace bench
