#include "websockify/tls/certificate_watch.hpp"

#include "websockify/log/log.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/tls/server_context.hpp"

#include <array>
#include <filesystem>
#include <string>

namespace websockify::tls
{
namespace
{

using file_times = std::array<std::filesystem::file_time_type, 3>;

/// Modification times of the files a context is built from (a missing file reads as min()).
file_times read_times(const config::tls_options& options)
{
    const std::array<const std::string*, 3> files{&options.cert, &options.key, &options.cafile};
    file_times times{};
    for (std::size_t i = 0; i < files.size(); ++i)
    {
        std::error_code ec;
        times.at(i) = files.at(i)->empty() ? std::filesystem::file_time_type::min()
                                           : std::filesystem::last_write_time(*files.at(i), ec);
        if (ec)
        {
            times.at(i) = std::filesystem::file_time_type::min();
        }
    }
    return times;
}

void reload(const config::tls_options& options, context_holder& holder, std::string_view why)
{
    try
    {
        holder.replace(make_server_context(options));
        log::server_info("TLS certificate reloaded from '" + options.cert + "' (" +
                         std::string(why) + ")");
    }
    catch (const net::startup_error& e)
    {
        log::server_warn("TLS certificate reload failed, keeping the previous one: " +
                         std::string(e.what()));
    }
}

} // namespace

net::awaitable<void> watch_certificates(const config::tls_options& options, context_holder* holder,
                                        asio::signal_set& hangup,
                                        std::chrono::steady_clock::duration poll,
                                        std::function<bool()> also_on_hangup)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto known = read_times(options);
    for (;;)
    {
        timer.expires_after(poll);
        const auto woke =
            co_await (hangup.async_wait(net::use_tuple) || timer.async_wait(net::use_tuple));
        if (woke.index() == 0)
        {
            if (auto [ec, signal] = std::get<0>(woke); ec)
            {
                co_return;
            }
            const bool reloaded_other = also_on_hangup ? also_on_hangup() : false;
            if (holder == nullptr)
            {
                if (!reloaded_other)
                {
                    log::server_info("SIGHUP: nothing to reload (TLS is off)");
                }
                continue;
            }
            known = read_times(options);
            reload(options, *holder, "SIGHUP");
            continue;
        }
        if (holder == nullptr)
        {
            continue;
        }
        // A file caught half-written fails to load; its next write changes the time again.
        if (const auto now = read_times(options); now != known)
        {
            known = now;
            reload(options, *holder, "file changed");
        }
    }
}

} // namespace websockify::tls
