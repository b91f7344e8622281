#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace websockify::metrics
{

/// One metric name's members, one per set of label values (`outcome="client_closed"`, ...).
/// Members are created at zero on first use and never removed, so references stay valid as
/// long as the family; the lock guards only the map, never an update of a value.
template <class Metric> class family
{
public:
    using factory = std::function<std::unique_ptr<Metric>()>;

    family(std::vector<std::string> label_names, factory make)
        : label_names_(std::move(label_names)), make_(std::move(make))
    {
    }

    const std::vector<std::string>& label_names() const noexcept { return label_names_; }

    /// The member for `values`, one per label name in the same order. Throws
    /// std::invalid_argument for a wrong number of values (a programming error).
    Metric& with(const std::vector<std::string>& values)
    {
        if (values.size() != label_names_.size())
        {
            throw std::invalid_argument("metric family takes " +
                                        std::to_string(label_names_.size()) +
                                        " label values, got " + std::to_string(values.size()));
        }
        const std::lock_guard lock(mutex_);
        auto& member = members_[values];
        if (!member)
        {
            member = make_();
        }
        return *member;
    }

    /// Calls visit(label values, member) for every member, in label value order (so that
    /// scrapes are stable to read and to diff).
    template <class Visitor> void for_each(Visitor&& visit) const
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [values, member] : members_)
        {
            visit(values, static_cast<const Metric&>(*member));
        }
    }

private:
    std::vector<std::string> label_names_;
    factory make_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>> members_;
};

} // namespace websockify::metrics
