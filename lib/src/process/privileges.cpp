#include "websockify/process/privileges.hpp"

#include "websockify/config/config.hpp"
#include "websockify/net/listener.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace websockify::process
{
namespace
{

std::optional<unsigned long> as_number(const std::string& text)
{
    unsigned long value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end)
    {
        return std::nullopt;
    }
    return value;
}

/// What websockify needs of a passwd or group entry, copied out of the lookup's buffer.
struct account_entry
{
    unsigned id = 0;       ///< uid, or gid for a group
    unsigned group_id = 0; ///< a user's primary group
    std::string name;
};

account_entry copy_of(const passwd& entry)
{
    return account_entry{entry.pw_uid, entry.pw_gid, entry.pw_name};
}

account_entry copy_of(const group& entry)
{
    return account_entry{entry.gr_gid, entry.gr_gid, entry.gr_name};
}

/// getpwnam_r/getgrnam_r need a caller buffer (sysconf's hint may be -1, and a large group
/// may need more, so it grows on ERANGE); the entry points into it, hence the copy.
template <class Entry, class Lookup> std::optional<account_entry> look_up(Lookup lookup)
{
    Entry entry{};
    Entry* found = nullptr;
    std::vector<char> buffer(4096);
    for (;;)
    {
        const int failed = lookup(&entry, buffer.data(), buffer.size(), &found);
        if (failed == ERANGE && buffer.size() < (std::size_t{1} << 24U))
        {
            buffer.resize(buffer.size() * 4);
            continue;
        }
        if (failed != 0 || found == nullptr)
        {
            return std::nullopt;
        }
        return copy_of(entry);
    }
}

[[noreturn]] void step_failed(const std::string& step)
{
    throw net::startup_error(
        "cannot drop privileges: " + step + " failed: " + std::strerror(errno) +
        (::geteuid() != 0 ? " (--user needs websockify started as root)" : ""));
}

} // namespace

std::optional<run_as> resolve_run_as(const std::string& user, const std::string& group)
{
    if (user.empty())
    {
        if (!group.empty())
        {
            throw config::invalid_argument("--group needs --user");
        }
        return std::nullopt;
    }
    run_as who;
    std::optional<account_entry> account;
    if (const auto uid = as_number(user))
    {
        who.uid = static_cast<uid_t>(*uid);
        account = look_up<passwd>([&](passwd* e, char* b, std::size_t n, passwd** r)
                                  { return ::getpwuid_r(who.uid, e, b, n, r); });
    }
    else
    {
        account = look_up<passwd>([&](passwd* e, char* b, std::size_t n, passwd** r)
                                  { return ::getpwnam_r(user.c_str(), e, b, n, r); });
        if (!account)
        {
            throw config::invalid_argument("--user '" + user + "': no such user");
        }
        who.uid = account->id;
    }
    if (account)
    {
        who.user_name = account->name;
        who.gid = account->group_id;
    }
    else if (group.empty())
    {
        throw config::invalid_argument("--user " + user +
                                       " has no account entry: give its --group too");
    }
    if (!group.empty())
    {
        if (const auto gid = as_number(group))
        {
            who.gid = static_cast<gid_t>(*gid);
        }
        else
        {
            const auto entry =
                look_up<struct group>([&](struct group* e, char* b, std::size_t n, struct group** r)
                                      { return ::getgrnam_r(group.c_str(), e, b, n, r); });
            if (!entry)
            {
                throw config::invalid_argument("--group '" + group + "': no such group");
            }
            who.gid = entry->id;
        }
    }
    who.description = (who.user_name.empty() ? std::to_string(who.uid) : who.user_name) + " (" +
                      std::to_string(who.uid) + ":" + std::to_string(who.gid) + ")";
    return who;
}

void drop_privileges(const run_as& who)
{
    if (::geteuid() == who.uid && ::getegid() == who.gid)
    {
        return; // already that user: nothing to drop
    }
    // Supplementary groups first: after setuid we could no longer change them.
    if (!who.user_name.empty())
    {
        if (::initgroups(who.user_name.c_str(), who.gid) != 0)
        {
            step_failed("initgroups");
        }
    }
    else if (::setgroups(1, &who.gid) != 0)
    {
        step_failed("setgroups");
    }
    if (::setresgid(who.gid, who.gid, who.gid) != 0)
    {
        step_failed("setgid");
    }
    if (::setresuid(who.uid, who.uid, who.uid) != 0)
    {
        step_failed("setuid");
    }
    if (who.uid != 0 && ::setuid(0) == 0)
    {
        throw net::startup_error("cannot drop privileges: root could be regained after setuid");
    }
}

} // namespace websockify::process
