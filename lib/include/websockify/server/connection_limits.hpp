#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace websockify::server
{

/// Which limit refused a connection.
enum class limit_hit
{
    none,
    total,  ///< --max-connections
    per_ip, ///< --max-connections-per-ip
};

/// Counts open connections, in all and per client address, so that one client (or a flood)
/// cannot take every file descriptor. Thread-safe: sessions may end on any thread.
class connection_limits : public std::enable_shared_from_this<connection_limits>
{
public:
    /// Zero means no limit.
    connection_limits(std::size_t max_total, std::size_t max_per_ip);

    /// Held by a connection while it is open; releasing it frees the place.
    class slot
    {
    public:
        slot() = default;
        slot(const slot&) = delete;
        slot& operator=(const slot&) = delete;
        slot(slot&& other) noexcept;
        slot& operator=(slot&& other) noexcept;
        ~slot();

    private:
        friend class connection_limits;
        slot(std::shared_ptr<connection_limits> owner, std::string address, bool in_total);
        std::shared_ptr<connection_limits> owner_;
        std::string address_;
        bool in_total_ = true; ///< counted towards --max-connections too
    };

    /// A place for a connection from `address`, or which limit refuses it. An empty address
    /// (a unix socket client: they all share one) counts only towards the total.
    limit_hit try_admit(const std::string& address, slot& into);

    /// The per-address place of a connection already holding a place in the total, for a
    /// client whose address is learnt after accept (--proxy-protocol, --trusted-proxy).
    limit_hit try_admit_address(const std::string& address, slot& into);

    std::size_t open() const;
    std::size_t open_from(const std::string& address) const;
    std::size_t max_total() const noexcept { return max_total_; }
    std::size_t max_per_ip() const noexcept { return max_per_ip_; }

private:
    void release(const std::string& address, bool in_total);

    std::size_t max_total_;
    std::size_t max_per_ip_;
    mutable std::mutex mutex_;
    std::size_t open_ = 0;
    std::unordered_map<std::string, std::size_t> per_address_;
};

} // namespace websockify::server
