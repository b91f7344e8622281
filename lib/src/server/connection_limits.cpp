#include "websockify/server/connection_limits.hpp"

#include <utility>

namespace websockify::server
{

connection_limits::connection_limits(std::size_t max_total, std::size_t max_per_ip)
    : max_total_(max_total), max_per_ip_(max_per_ip)
{
}

connection_limits::slot::slot(std::shared_ptr<connection_limits> owner, std::string address,
                              bool in_total)
    : owner_(std::move(owner)), address_(std::move(address)), in_total_(in_total)
{
}

connection_limits::slot::slot(slot&& other) noexcept
    : owner_(std::move(other.owner_)), address_(std::move(other.address_)),
      in_total_(other.in_total_)
{
}

connection_limits::slot& connection_limits::slot::operator=(slot&& other) noexcept
{
    if (this != &other)
    {
        if (owner_)
        {
            owner_->release(address_, in_total_);
        }
        owner_ = std::move(other.owner_);
        address_ = std::move(other.address_);
        in_total_ = other.in_total_;
    }
    return *this;
}

connection_limits::slot::~slot()
{
    if (owner_)
    {
        owner_->release(address_, in_total_);
    }
}

limit_hit connection_limits::try_admit(const std::string& address, slot& into)
{
    {
        const std::lock_guard lock(mutex_);
        if (max_total_ != 0 && open_ >= max_total_)
        {
            return limit_hit::total;
        }
        if (!address.empty())
        {
            const auto it = per_address_.find(address);
            const std::size_t from_address = it == per_address_.end() ? 0 : it->second;
            if (max_per_ip_ != 0 && from_address >= max_per_ip_)
            {
                return limit_hit::per_ip;
            }
            ++per_address_[address];
        }
        ++open_;
    }
    into = slot(shared_from_this(), address, true);
    return limit_hit::none;
}

limit_hit connection_limits::try_admit_address(const std::string& address, slot& into)
{
    if (address.empty())
    {
        return limit_hit::none;
    }
    {
        const std::lock_guard lock(mutex_);
        const auto it = per_address_.find(address);
        const std::size_t from_address = it == per_address_.end() ? 0 : it->second;
        if (max_per_ip_ != 0 && from_address >= max_per_ip_)
        {
            return limit_hit::per_ip;
        }
        ++per_address_[address];
    }
    into = slot(shared_from_this(), address, false);
    return limit_hit::none;
}

void connection_limits::release(const std::string& address, bool in_total)
{
    const std::lock_guard lock(mutex_);
    if (in_total)
    {
        --open_;
    }
    if (address.empty())
    {
        return;
    }
    const auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0)
    {
        per_address_.erase(it); // the map holds only addresses with open connections
    }
}

std::size_t connection_limits::open() const
{
    const std::lock_guard lock(mutex_);
    return open_;
}

std::size_t connection_limits::open_from(const std::string& address) const
{
    const std::lock_guard lock(mutex_);
    const auto it = per_address_.find(address);
    return it == per_address_.end() ? 0 : it->second;
}

} // namespace websockify::server
