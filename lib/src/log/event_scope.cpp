#include "websockify/log/event_scope.hpp"

namespace websockify::log
{
namespace
{

thread_local std::string_view current_event;

} // namespace

event_scope::event_scope(std::string_view event) noexcept : previous_(current_event)
{
    current_event = event;
}

event_scope::~event_scope()
{
    current_event = previous_;
}

std::string_view event_scope::current() noexcept
{
    return current_event;
}

} // namespace websockify::log
