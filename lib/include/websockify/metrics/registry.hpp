#pragma once

#include "websockify/metrics/counter.hpp"
#include "websockify/metrics/family.hpp"
#include "websockify/metrics/gauge.hpp"
#include "websockify/metrics/histogram.hpp"

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace websockify::metrics
{

/// Every metric a process exposes, in registration order. Register at startup, before other
/// threads use it: the list itself is not locked, only each family's members are.
class registry
{
public:
    /// One registered name.
    struct entry
    {
        std::string name;
        std::string help;
        std::variant<std::unique_ptr<family<counter>>, std::unique_ptr<family<gauge>>,
                     std::unique_ptr<family<histogram>>>
            members;
    };

    /// Registers a metric. Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and be new, label names
    /// [a-zA-Z_][a-zA-Z0-9_]* (and not "le" for histograms); throws std::invalid_argument.
    /// Without labels the one member exists at once, so it is exposed as 0 before any event.
    family<counter>& add_counter(std::string name, std::string help,
                                 std::vector<std::string> label_names = {});
    family<gauge>& add_gauge(std::string name, std::string help,
                             std::vector<std::string> label_names = {});
    family<histogram>& add_histogram(std::string name, std::string help,
                                     std::vector<double> upper_bounds,
                                     std::vector<std::string> label_names = {});

    const std::vector<entry>& entries() const noexcept { return entries_; }

private:
    void check_new_name(const std::string& name, const std::vector<std::string>& label_names,
                        bool histogram) const;

    std::vector<entry> entries_;
};

} // namespace websockify::metrics
