#include "websockify/tls/server_context.hpp"

#include "websockify/net/listener.hpp"

#include <filesystem>
#include <fstream>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace websockify::tls
{
namespace
{

/// OpenSSL queues errors innermost first: the earliest names the cause ("no start line"),
/// the last only the layer that gave up ("PEM lib").
std::string openssl_reason(const asio::system_error& e)
{
    unsigned long earliest = 0;
    while (const auto code = ERR_get_error())
    {
        if (earliest == 0)
        {
            earliest = code;
        }
    }
    const char* reason = earliest != 0 ? ERR_reason_error_string(earliest) : nullptr;
    if (reason == nullptr)
    {
        return e.code().message();
    }
    if (std::string_view(reason) == "no start line")
    {
        return "no PEM data of the expected kind in the file";
    }
    return reason;
}

/// OpenSSL 3 reports a file without the expected PEM block only as "PEM lib"; say it plainly.
std::string load_failure(const std::string& path, std::string_view marker, std::string_view what,
                         const asio::system_error& e)
{
    std::ifstream in(path, std::ios::binary);
    std::string head(1 << 20, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.find(marker) == std::string::npos)
    {
        ERR_clear_error();
        return "the file contains no PEM " + std::string(what);
    }
    auto reason = openssl_reason(e);
    // A wrong password usually fails the padding check ("bad decrypt"), but about one time in
    // 256 the garbage pads correctly and only the ASN.1 decoder objects ("wrong tag"). Either
    // way, for an encrypted key the likely cause is the password.
    if (head.find("ENCRYPTED") != std::string::npos)
    {
        return "cannot decrypt it: wrong or missing password (--key-password-file, "
               "WEBSOCKIFY_KEY_PASSWORD or --key-password); OpenSSL says: " +
               reason;
    }
    return reason;
}

int min_protocol(const std::string& name)
{
    // Python's --ssl-version names the *minimum* version; "default" is our modern floor.
    if (name == "default" || name == "tlsv1_2")
    {
        return TLS1_2_VERSION;
    }
    if (name == "tlsv1_1")
    {
        return TLS1_1_VERSION;
    }
    if (name == "tlsv1_3")
    {
        return TLS1_3_VERSION;
    }
    throw net::startup_error(
        "--ssl-version must be one of default, tlsv1_1, tlsv1_2, tlsv1_3 (got '" + name + "')");
}

void require_readable(const std::string& path, std::string_view what)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
    {
        throw net::startup_error(std::string(what) + " '" + path +
                                 "' does not exist or is not a file");
    }
}

} // namespace

std::shared_ptr<asio::ssl::context> make_server_context(const config::tls_options& options)
{
    require_readable(options.cert, "certificate file");
    const auto& key = options.key.empty() ? options.cert : options.key;
    if (!options.key.empty())
    {
        require_readable(key, "key file");
    }

    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    auto* native = context->native_handle();
    SSL_CTX_set_min_proto_version(native, min_protocol(options.ssl_version));
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                    SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(native, options.ciphers.c_str()) != 1)
    {
        ERR_clear_error();
        throw net::startup_error("--ssl-ciphers '" + options.ciphers +
                                 "' selects no cipher OpenSSL knows (see `openssl ciphers`)");
    }
    if (!options.key_password.empty())
    {
        context->set_password_callback(
            [password = options.key_password](std::size_t, asio::ssl::context::password_purpose)
            { return password; });
    }
    try
    {
        context->use_certificate_chain_file(options.cert);
    }
    catch (const asio::system_error& e)
    {
        throw net::startup_error(
            "cannot load certificate '" + options.cert +
            "': " + load_failure(options.cert, "-----BEGIN CERTIFICATE-----", "certificate", e));
    }
    try
    {
        context->use_private_key_file(key, asio::ssl::context::pem);
    }
    catch (const asio::system_error& e)
    {
        const auto* const hint = options.key.empty() ? " (give the key file with --key)" : "";
        throw net::startup_error("cannot load private key '" + key + "': " +
                                 load_failure(key, "PRIVATE KEY-----", "private key", e) + hint);
    }
    if (SSL_CTX_check_private_key(native) != 1)
    {
        ERR_clear_error();
        throw net::startup_error("private key '" + key + "' does not match certificate '" +
                                 options.cert + "'");
    }
    if (options.verify_client)
    {
        context->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
        try
        {
            if (options.cafile.empty())
            {
                context->set_default_verify_paths();
            }
            else
            {
                require_readable(options.cafile, "CA file");
                context->load_verify_file(options.cafile);
            }
        }
        catch (const asio::system_error& e)
        {
            throw net::startup_error("cannot load CA file '" + options.cafile +
                                     "': " + openssl_reason(e));
        }
    }
    return context;
}

} // namespace websockify::tls
