#include "mode_report.hpp"

namespace bench
{

std::string_view transport_name(const connect_options& options)
{
    if (options.raw)
    {
        return options.tls != nullptr ? "raw+tls" : "raw";
    }
    return options.tls != nullptr ? "wss" : "ws";
}

awaitable<bool> open_for_report(peer& client, report& r)
{
    const bool opened = co_await client.open();
    if (!opened)
    {
        r.add("ok", false);
        r.add("error", client.error());
        co_return false;
    }
    r.add("tls", client.tls_description());
    co_return true;
}

report make_report(std::string_view mode, const run_options& options)
{
    report r;
    r.add("mode", mode);
    r.add("transport", transport_name(options.connect));
    r.add("address", options.connect.endpoint.address().to_string());
    r.add("port", std::uint64_t{options.connect.endpoint.port()});
    r.add("duration_s", options.duration_seconds);
    return r;
}

} // namespace bench
