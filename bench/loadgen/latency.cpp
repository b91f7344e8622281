// latency: one 64 B message at a time, echoed back; the round-trip time of each.
#include "mode_report.hpp"
#include "modes.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bench
{
namespace
{

constexpr std::size_t default_message_size = 64;

/// Message `sequence` of a run: distinct from its neighbours in every byte.
void stamp_message(std::vector<std::byte>& message, std::uint64_t sequence)
{
    for (std::size_t i = 0; i < message.size(); ++i)
    {
        message[i] = std::byte{static_cast<std::uint8_t>((sequence + i * 7) & 0xFFU)};
    }
}

/// Nearest-rank percentile (q in 0..1) of sorted samples, in microseconds.
double percentile_us(const std::vector<std::uint64_t>& sorted_ns, double q)
{
    if (sorted_ns.empty())
    {
        return 0;
    }
    const auto rank =
        static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted_ns.size())));
    const auto index = std::clamp<std::size_t>(rank, 1, sorted_ns.size()) - 1;
    return static_cast<double>(sorted_ns[index]) / 1000.0;
}

void add_percentiles(report& r, std::vector<std::uint64_t> samples)
{
    std::sort(samples.begin(), samples.end());
    double sum = 0;
    for (const auto s : samples)
    {
        sum += static_cast<double>(s);
    }
    r.add("round_trips", std::uint64_t{samples.size()});
    r.add("mean_us", samples.empty() ? 0.0 : sum / static_cast<double>(samples.size()) / 1000.0);
    r.add("min_us", percentile_us(samples, 0));
    r.add("p50_us", percentile_us(samples, 0.50));
    r.add("p90_us", percentile_us(samples, 0.90));
    r.add("p99_us", percentile_us(samples, 0.99));
    r.add("p999_us", percentile_us(samples, 0.999));
    r.add("max_us", percentile_us(samples, 1.0));
}

} // namespace

awaitable<report> run_latency(const run_options& options)
{
    const auto executor = co_await asio::this_coro::executor;
    auto r = make_report("latency", options);
    const std::size_t size = options.message_size > 0 ? options.message_size : default_message_size;
    r.add("message_size", std::uint64_t{size});
    peer client(executor, options.connect);
    const bool opened = co_await open_for_report(client, r);
    if (!opened)
    {
        co_return r;
    }
    std::vector<std::byte> message(size);
    std::vector<std::byte> reply(size);
    std::vector<std::uint64_t> samples;
    samples.reserve(1 << 20);
    std::string problem;
    auto deadline = clock::time_point::max();
    for (std::uint64_t sequence = 0;; ++sequence)
    {
        if (sequence == options.warmup)
        {
            deadline = deadline_after(options.duration_seconds);
        }
        stamp_message(message, sequence);
        const auto sent_at = clock::now();
        const bool sent = co_await client.send(message);
        if (!sent)
        {
            problem = client.error();
            break;
        }
        const bool received = co_await client.receive_exact(reply);
        const auto received_at = clock::now();
        if (!received)
        {
            problem = client.error();
            break;
        }
        if (reply != message)
        {
            problem =
                "echo differs from the message sent (round trip " + std::to_string(sequence) + ")";
            break;
        }
        if (sequence >= options.warmup)
        {
            samples.push_back(static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(received_at - sent_at)
                    .count()));
            const bool enough = options.max_messages > 0 && samples.size() >= options.max_messages;
            if (enough || received_at >= deadline)
            {
                break;
            }
        }
    }
    add_percentiles(r, std::move(samples));
    r.add("ok", problem.empty());
    if (!problem.empty())
    {
        r.add("error", problem);
    }
    co_await client.close();
    co_return r;
}

} // namespace bench
