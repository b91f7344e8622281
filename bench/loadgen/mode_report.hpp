#pragma once

#include "modes.hpp"

#include <string_view>

namespace bench
{

/// The fields every client run reports: mode, transport, where, for how long.
report make_report(std::string_view mode, const run_options& options);

/// Opens the client's connection. On success adds "tls" to the report; on failure adds
/// ok=false and the error, and the caller returns the report as it is.
awaitable<bool> open_for_report(peer& client, report& r);

/// "ws", "wss", "raw" or "raw+tls".
std::string_view transport_name(const connect_options& options);

} // namespace bench
