#pragma once

#include "peer.hpp"
#include "report.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace bench
{

using clock = std::chrono::steady_clock;

/// What one client run does; each mode reads the fields it needs.
struct run_options
{
    connect_options connect;
    double duration_seconds = 5;
    std::size_t message_size = 0;      ///< 0: the mode's default (64 KiB or 64 B)
    std::size_t count = 1;             ///< connections: how many to hold
    std::size_t in_flight = 8;         ///< handshakes: cycles at once; connections: opens at once
    std::uint64_t ack_every = 1 << 20; ///< upload: the sink target's acknowledgement unit
    std::uint64_t max_messages = 0;    ///< latency: stop after this many (0: time only)
    std::size_t warmup = 100;          ///< latency: round trips not recorded
    int pid = 0;                       ///< connections: process whose memory is read
    bool verify = false;               ///< download: check every byte against the pattern
    double settle_seconds = 0.5;       ///< connections: pause before reading idle memory
};

/// 64 KiB messages to a sink target for the duration; MB/s is counted by the target's
/// acknowledgements (one byte per `ack_every` bytes it received), so it is what arrived.
awaitable<report> run_upload(const run_options& options);

/// Reads from a source target for the duration; MB/s of payload received.
awaitable<report> run_download(const run_options& options);

/// 64 B echo round trips one at a time; percentiles of the round-trip time in microseconds.
awaitable<report> run_latency(const run_options& options);

/// Opens `count` connections (time to open all), reads the memory of `pid` before and after,
/// then echoes on all of them for the duration (aggregate messages per second).
awaitable<report> run_connections(const run_options& options);

/// Cycles of connect, upgrade, one echo, close, `in_flight` at a time; cycles per second.
awaitable<report> run_handshakes(const run_options& options);

/// Seconds between two time points.
inline double seconds_between(clock::time_point from, clock::time_point to)
{
    return std::chrono::duration<double>(to - from).count();
}

/// A deadline `seconds` from now.
inline clock::time_point deadline_after(double seconds)
{
    return clock::now() +
           std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
}

} // namespace bench
