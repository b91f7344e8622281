#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace websockify::wrap
{

/// rebind.so's move mode: a bind() to `old_port` lands on loopback:`new_port` instead.
struct rebind_move
{
    std::uint16_t old_port = 0;
    std::uint16_t new_port = 0;
};

/// rebind.so's report mode: the program's first listening bind to a port P lands on a loopback
/// port Q picked by the kernel, and "P Q\n" is written to file descriptor `fd` (in the program).
struct rebind_report
{
    int fd = -1;
};

using rebind_request = std::variant<rebind_move, rebind_report>;

/// The wrapped program's environment: `parent` ("NAME=value" entries) with `library` put first
/// in LD_PRELOAD (':'-separated, existing entries kept) and the REBIND_* variables of `request`.
/// REBIND_* variables inherited from `parent` are dropped, since rebind.so picks its mode by
/// which of them are set.
std::vector<std::string> make_program_environment(std::span<const std::string> parent,
                                                  const std::string& library,
                                                  const rebind_request& request);

/// This process's environment, as "NAME=value" entries.
std::vector<std::string> current_environment();

} // namespace websockify::wrap
