#include "websockify/wrap/program_environment.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <unistd.h>

namespace websockify::wrap
{
namespace
{

constexpr std::string_view preload_prefix = "LD_PRELOAD=";

constexpr std::array<std::string_view, 3> rebind_prefixes{
    "REBIND_OLD_PORT=", "REBIND_NEW_PORT=", "REBIND_REPORT_FD="};

bool is_rebind_variable(std::string_view entry)
{
    return std::any_of(rebind_prefixes.begin(), rebind_prefixes.end(),
                       [entry](std::string_view prefix) { return entry.starts_with(prefix); });
}

std::vector<std::string> rebind_variables(const rebind_request& request)
{
    if (const auto* move = std::get_if<rebind_move>(&request))
    {
        return {"REBIND_OLD_PORT=" + std::to_string(move->old_port),
                "REBIND_NEW_PORT=" + std::to_string(move->new_port)};
    }
    return {"REBIND_REPORT_FD=" + std::to_string(std::get<rebind_report>(request).fd)};
}

} // namespace

std::vector<std::string> make_program_environment(std::span<const std::string> parent,
                                                  const std::string& library,
                                                  const rebind_request& request)
{
    std::vector<std::string> environment;
    environment.reserve(parent.size() + 3);
    std::string preload = std::string(preload_prefix) + library;
    for (const auto& entry : parent)
    {
        if (is_rebind_variable(entry))
        {
            continue;
        }
        if (entry.starts_with(preload_prefix))
        {
            if (entry.size() > preload_prefix.size())
            {
                preload += ':';
                preload += std::string_view(entry).substr(preload_prefix.size());
            }
            continue;
        }
        environment.push_back(entry);
    }
    environment.push_back(std::move(preload));
    for (auto& variable : rebind_variables(request))
    {
        environment.push_back(std::move(variable));
    }
    return environment;
}

std::vector<std::string> current_environment()
{
    std::vector<std::string> entries;
    for (char** entry = environ; *entry != nullptr; ++entry) // NOLINT: environ is char**
    {
        entries.emplace_back(*entry);
    }
    return entries;
}

} // namespace websockify::wrap
