#include "process_memory.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace bench
{
namespace
{

/// The value in kB of the line starting with `field` (e.g. "VmRSS:") in a /proc file.
std::uint64_t read_kib_field(const std::string& path, std::string_view field)
{
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
    {
        if (line.starts_with(field))
        {
            std::istringstream fields(line.substr(field.size()));
            std::uint64_t kib = 0;
            fields >> kib;
            return kib;
        }
    }
    return 0;
}

/// Parent pid of every process, from /proc/PID/stat (the field after the ")" of the name).
std::multimap<int, int> children_by_parent()
{
    std::multimap<int, int> children;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec))
    {
        const auto name = entry.path().filename().string();
        int pid = 0;
        const auto [end, parse_error] =
            std::from_chars(name.data(), name.data() + name.size(), pid);
        if (parse_error != std::errc{} || end != name.data() + name.size())
        {
            continue;
        }
        std::ifstream stat(entry.path() / "stat");
        std::string text;
        std::getline(stat, text);
        const auto paren = text.rfind(')');
        if (paren == std::string::npos)
        {
            continue;
        }
        std::istringstream rest(text.substr(paren + 1));
        std::string state;
        int parent = 0;
        rest >> state >> parent;
        children.emplace(parent, pid);
    }
    return children;
}

} // namespace

process_memory read_process_memory(int pid)
{
    process_memory memory;
    if (pid <= 0 || !std::filesystem::exists("/proc/" + std::to_string(pid)))
    {
        return memory;
    }
    const auto children = children_by_parent();
    std::vector<int> pending{pid};
    while (!pending.empty())
    {
        const int current = pending.back();
        pending.pop_back();
        const auto base = "/proc/" + std::to_string(current);
        memory.processes += 1;
        memory.rss_kib += read_kib_field(base + "/status", "VmRSS:");
        memory.pss_kib += read_kib_field(base + "/smaps_rollup", "Pss:");
        const auto [first, last] = children.equal_range(current);
        for (auto it = first; it != last; ++it)
        {
            pending.push_back(it->second);
        }
    }
    return memory;
}

} // namespace bench
