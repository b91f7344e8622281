#include "websockify/net/send_now.hpp"

#include <array>
#include <cerrno>
#include <climits>
#include <sys/socket.h>
#include <sys/uio.h>
#include <vector>

namespace websockify::net
{
namespace
{

/// Most sends are a frame header and its payload; longer gathers (many frames decoded from one
/// read) take a heap array.
constexpr std::size_t inline_slices = 8;

sent_now send_iovecs(stream_socket& socket, iovec* slices, std::size_t count)
{
    msghdr message{};
    message.msg_iov = slices;
    message.msg_iovlen = count;
    for (;;)
    {
        const auto n = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0)
        {
            return {std::error_code(), static_cast<std::size_t>(n)};
        }
        if (errno == EINTR)
        {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
            return {};
        }
        return {std::error_code(errno, asio::error::get_system_category()), 0};
    }
}

iovec to_iovec(const asio::const_buffer& buffer)
{
    // sendmsg does not write through iov_base; the cast only drops a const it never uses.
    return {const_cast<void*>(buffer.data()),
            buffer.size()}; // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

} // namespace

sent_now send_now(stream_socket& socket, std::span<const asio::const_buffer> buffers)
{
    // Beyond IOV_MAX the kernel refuses the call: send the first IOV_MAX, the caller the rest.
    const auto count = buffers.size() < IOV_MAX ? buffers.size() : std::size_t{IOV_MAX};
    if (count <= inline_slices)
    {
        std::array<iovec, inline_slices> slices{};
        for (std::size_t i = 0; i < count; ++i)
        {
            slices.at(i) = to_iovec(buffers[i]);
        }
        return send_iovecs(socket, slices.data(), count);
    }
    std::vector<iovec> slices;
    slices.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
    {
        slices.push_back(to_iovec(buffers[i]));
    }
    return send_iovecs(socket, slices.data(), count);
}

awaitable<std::error_code> write_all(stream_socket& socket, asio::const_buffer data)
{
    std::array<asio::const_buffer, 1> whole; // no braces: gcc 12 and initialisers in coroutines
    whole[0] = data;
    const auto now = send_now(socket, whole);
    if (now.ec || now.bytes == data.size())
    {
        co_return now.ec;
    }
    auto [ec, n] = co_await asio::async_write(socket, data + now.bytes, use_tuple);
    co_return ec;
}

awaitable<std::error_code> write_all(tls_stream& stream, asio::const_buffer data)
{
    auto [ec, n] = co_await asio::async_write(stream, data, use_tuple);
    co_return ec;
}

} // namespace websockify::net
