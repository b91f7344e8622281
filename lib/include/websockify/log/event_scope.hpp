#pragma once

#include <string_view>

namespace websockify::log
{

/// Names the event of the lines logged on this thread while it lives, for sinks that carry the
/// event apart from the text (syslog's MSGID). spdlog runs sinks on the logging thread, so the
/// name reaches them. `event` must outlive the scope.
class event_scope
{
public:
    explicit event_scope(std::string_view event) noexcept;
    ~event_scope();
    event_scope(const event_scope&) = delete;
    event_scope& operator=(const event_scope&) = delete;

    /// The innermost live scope's event on this thread; empty outside any scope.
    static std::string_view current() noexcept;

private:
    std::string_view previous_;
};

} // namespace websockify::log
