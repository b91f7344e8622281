#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace websockify::process
{

/// Who websockify becomes after binding its port and reading its certificates (--user,
/// --group).
struct run_as
{
    uid_t uid = 0;
    gid_t gid = 0;
    std::string user_name;   ///< for supplementary groups (initgroups); empty for a bare uid
    std::string description; ///< "nobody (65534:65534)", for logs
};

/// --user NAME|UID and --group NAME|GID (the group defaults to the user's primary group);
/// nullopt when neither is given. Throws config::invalid_argument for an unknown user or
/// group, or a --group without --user.
std::optional<run_as> resolve_run_as(const std::string& user, const std::string& group);

/// Becomes `who` for good: supplementary groups, then the group, then the user, then checks
/// that root cannot be regained. Throws net::startup_error naming the step that failed
/// (for instance when not started as root).
void drop_privileges(const run_as& who);

} // namespace websockify::process
