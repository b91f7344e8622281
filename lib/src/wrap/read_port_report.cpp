#include "websockify/wrap/read_port_report.hpp"

#include <array>
#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace websockify::wrap
{
namespace
{

/// rebind.so writes at most 12 bytes; anything much longer is not its line.
constexpr std::size_t longest_line = 64;

report_outcome finish(std::string text)
{
    report_outcome outcome;
    outcome.text = std::move(text);
    if (outcome.text.empty())
    {
        outcome.status = report_status::closed_without_report;
        return outcome;
    }
    if (const auto ports = parse_port_report(outcome.text))
    {
        outcome.status = report_status::reported;
        outcome.ports = *ports;
        return outcome;
    }
    outcome.status = report_status::malformed;
    return outcome;
}

} // namespace

report_outcome read_port_report(int fd, std::chrono::milliseconds limit)
{
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + limit;
    std::string text;
    std::array<char, longest_line> chunk{};
    for (;;)
    {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0)
        {
            report_outcome outcome;
            outcome.status = report_status::timed_out;
            outcome.text = std::move(text);
            return outcome;
        }
        pollfd readable{fd, POLLIN, 0};
        const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
        {
            continue; // SIGCHLD from the program we just started
        }
        if (ready == 0)
        {
            continue; // the deadline check above ends it
        }
        const auto n = ready < 0 ? -1 : ::read(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n <= 0)
        {
            return finish(std::move(text));
        }
        text.append(chunk.data(), static_cast<std::size_t>(n));
        if (text.find('\n') != std::string::npos || text.size() > longest_line)
        {
            return finish(std::move(text));
        }
    }
}

} // namespace websockify::wrap
