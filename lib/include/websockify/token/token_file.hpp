#pragma once

#include "websockify/token/target.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace websockify::token
{

/// The tokens of one token file, and what was wrong with the lines that were skipped.
struct parsed_tokens
{
    std::unordered_map<std::string, target> targets;
    std::vector<std::string> problems; ///< "SOURCE:LINE: reason", one per bad line
};

/// Python websockify's token file: one `token: host:port` per line, split at the first ": "
/// (the target's port follows its last ':', so IPv6 hosts work), `token: unix_socket:PATH`
/// for unix sockets, blank lines and lines starting with '#' ignored, surrounding whitespace
/// trimmed. A later line for the same token wins. `source` names the file in problems.
parsed_tokens parse_token_file(std::string_view text, std::string_view source);

/// Adds `more` to `into` (a directory of token files): later files win, problems accumulate.
void merge_tokens(parsed_tokens& into, parsed_tokens more);

} // namespace websockify::token
