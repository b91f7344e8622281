#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bench
{

/// A TCP server for the benchmark to proxy to.
struct target_options
{
    std::string mode = "echo"; ///< sink, source or echo
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;             ///< 0: any free port (printed when listening)
    std::uint64_t ack_every = 1 << 20;  ///< sink: one byte back per this many received
    std::size_t chunk_size = 64 * 1024; ///< source: bytes per write
    bool verify = false;                ///< sink: check the received bytes against the pattern
};

/// Serves until SIGINT or SIGTERM. Prints one JSON line when listening
/// ({"mode":"target","kind":...,"port":P}) and one with totals at exit. Returns the exit code.
int run_target(const target_options& options);

} // namespace bench
