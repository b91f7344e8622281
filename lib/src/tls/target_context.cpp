#include "websockify/tls/target_context.hpp"

#include "websockify/net/listener.hpp"
#include "websockify/net/with_timeout.hpp"

#include <filesystem>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace websockify::tls
{

std::shared_ptr<asio::ssl::context> make_target_context(const config::target_tls_options& options)
{
    if (!options.enabled)
    {
        return nullptr;
    }
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    if (!options.verify)
    {
        context->set_verify_mode(asio::ssl::verify_none);
        return context;
    }
    context->set_verify_mode(asio::ssl::verify_peer);
    asio::error_code ec;
    if (options.cafile.empty())
    {
        context->set_default_verify_paths(ec);
    }
    else
    {
        std::error_code fs_ec;
        if (!std::filesystem::is_regular_file(options.cafile, fs_ec))
        {
            throw net::startup_error("--ssl-target-cafile '" + options.cafile +
                                     "' does not exist or is not a file");
        }
        context->load_verify_file(options.cafile, ec);
    }
    if (ec)
    {
        throw net::startup_error("cannot load CA certificates for --ssl-target: " + ec.message());
    }
    return context;
}

net::awaitable<result<net::tls_stream>> connect_tls(net::stream_socket socket,
                                                    asio::ssl::context& context,
                                                    const std::string& host, bool verify,
                                                    std::chrono::steady_clock::duration timeout)
{
    net::tls_stream stream(std::move(socket), context);
    auto* ssl = stream.native_handle();
    asio::error_code address_ec;
    const bool is_ip_literal = (asio::ip::make_address(host, address_ec), !address_ec);
    // SNI carries names only (RFC 6066 §3); the certificate check takes names and addresses.
    if (!is_ip_literal)
    {
        // SSL_set_tlsext_host_name is a macro with a C cast around this call.
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str())); // NOLINT(cppcoreguidelines-pro-type-const-cast)
    }
    if (verify)
    {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int checked = is_ip_literal
                                ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str())
                                : SSL_set1_host(ssl, host.c_str());
        if (checked != 1)
        {
            co_return std::error_code(asio::error::invalid_argument);
        }
    }
    auto shook = co_await net::with_timeout(
        stream.async_handshake(net::tls_stream::client, net::use_tuple), timeout);
    if (!shook)
    {
        co_return std::error_code(asio::error::timed_out);
    }
    if (auto [ec] = *shook; ec)
    {
        co_return ec;
    }
    co_return std::move(stream);
}

} // namespace websockify::tls
