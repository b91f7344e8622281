#pragma once

#include "websockify/net/asio.hpp"

#include <atomic>
#include <memory>

namespace websockify::tls
{

/// The server context new TLS connections use. A reload swaps it; sessions that started
/// earlier hold their own shared_ptr and are never disturbed. Safe across threads.
class context_holder
{
public:
    explicit context_holder(std::shared_ptr<asio::ssl::context> initial)
        : context_(std::move(initial))
    {
    }

    std::shared_ptr<asio::ssl::context> current() const { return context_.load(); }
    void replace(std::shared_ptr<asio::ssl::context> next) { context_.store(std::move(next)); }

private:
    std::atomic<std::shared_ptr<asio::ssl::context>> context_;
};

} // namespace websockify::tls
