#include "websockify/metrics/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace websockify::metrics
{
namespace
{

bool is_name_start(char c, bool colon_allowed)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (colon_allowed && c == ':');
}

/// Prometheus' data model: metric names may hold colons, label names may not.
bool is_valid_name(const std::string& name, bool colon_allowed)
{
    if (name.empty() || !is_name_start(name.front(), colon_allowed))
    {
        return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [colon_allowed](char c)
                       { return is_name_start(c, colon_allowed) || (c >= '0' && c <= '9'); });
}

template <class Metric>
family<Metric>& append(std::vector<registry::entry>& entries, std::string name, std::string help,
                       std::unique_ptr<family<Metric>> members)
{
    auto& added = *members;
    registry::entry entry;
    entry.name = std::move(name);
    entry.help = std::move(help);
    entry.members = std::move(members);
    entries.push_back(std::move(entry));
    if (added.label_names().empty())
    {
        (void)added.with({});
    }
    return added;
}

} // namespace

void registry::check_new_name(const std::string& name, const std::vector<std::string>& label_names,
                              bool histogram) const
{
    if (!is_valid_name(name, true))
    {
        throw std::invalid_argument("invalid metric name '" + name + "'");
    }
    if (std::any_of(entries_.begin(), entries_.end(),
                    [&name](const entry& e) { return e.name == name; }))
    {
        throw std::invalid_argument("metric '" + name + "' registered twice");
    }
    for (const auto& label : label_names)
    {
        // "le" is the bucket label of a histogram; names starting "__" are Prometheus' own.
        if (!is_valid_name(label, false) || label.starts_with("__") || (histogram && label == "le"))
        {
            throw std::invalid_argument("invalid label name '" + label + "' for '" + name + "'");
        }
    }
}

family<counter>& registry::add_counter(std::string name, std::string help,
                                       std::vector<std::string> label_names)
{
    check_new_name(name, label_names, false);
    auto members = std::make_unique<family<counter>>(std::move(label_names),
                                                     [] { return std::make_unique<counter>(); });
    return append(entries_, std::move(name), std::move(help), std::move(members));
}

family<gauge>& registry::add_gauge(std::string name, std::string help,
                                   std::vector<std::string> label_names)
{
    check_new_name(name, label_names, false);
    auto members = std::make_unique<family<gauge>>(std::move(label_names),
                                                   [] { return std::make_unique<gauge>(); });
    return append(entries_, std::move(name), std::move(help), std::move(members));
}

family<histogram>& registry::add_histogram(std::string name, std::string help,
                                           std::vector<double> upper_bounds,
                                           std::vector<std::string> label_names)
{
    check_new_name(name, label_names, true);
    // Checked now rather than at a member's first use.
    const histogram check(upper_bounds);
    auto members = std::make_unique<family<histogram>>(
        std::move(label_names),
        [bounds = std::move(upper_bounds)] { return std::make_unique<histogram>(bounds); });
    return append(entries_, std::move(name), std::move(help), std::move(members));
}

} // namespace websockify::metrics
