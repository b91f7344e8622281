#include "websockify/auth/auth_plugin.hpp"
#include "websockify/auth/basic_http_auth.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace websockify::auth
{
namespace
{

std::vector<std::string> words(const std::string& text)
{
    std::istringstream in(text);
    std::vector<std::string> found;
    for (std::string word; in >> word;)
    {
        found.push_back(word);
    }
    return found;
}

bool contains(const std::vector<std::string>& list, std::string_view value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

/// ExpectOrigin: the Origin header must be one of the source's origins (exact match).
class expect_origin final : public auth_plugin
{
public:
    explicit expect_origin(const std::string& source) : allowed_(words(source))
    {
        if (allowed_.empty())
        {
            throw std::invalid_argument("ExpectOrigin needs --auth-source with allowed origins");
        }
    }

    decision check(const http::request_head& request,
                   const client_identity& /*client*/) const override
    {
        const auto origin = request.find("Origin");
        if (!origin || !contains(allowed_, *origin))
        {
            return {403, "Invalid Origin", {}};
        }
        return {};
    }

private:
    std::vector<std::string> allowed_;
};

/// ClientCertCNAuth: the CN of the verified client certificate must be one of the source's.
/// Request headers are never consulted, whatever their name or case.
class client_cert_cn_auth final : public auth_plugin
{
public:
    explicit client_cert_cn_auth(const std::string& source) : allowed_(words(source))
    {
        if (allowed_.empty())
        {
            throw std::invalid_argument(
                "ClientCertCNAuth needs --auth-source with allowed common names");
        }
    }

    decision check(const http::request_head& /*request*/,
                   const client_identity& client) const override
    {
        if (!client.verified_cn)
        {
            return {403, "a verified client certificate is required", {}};
        }
        if (!contains(allowed_, *client.verified_cn))
        {
            return {403, "client certificate not allowed", {}};
        }
        return {};
    }

private:
    std::vector<std::string> allowed_;
};

} // namespace

std::unique_ptr<auth_plugin> make_auth_plugin(const std::string& name, const std::string& source)
{
    const auto dot = name.rfind('.');
    const auto plugin = dot == std::string::npos ? name : name.substr(dot + 1);
    if (plugin == "BasicHTTPAuth")
    {
        return std::make_unique<basic_http_auth>(source);
    }
    if (plugin == "ExpectOrigin")
    {
        return std::make_unique<expect_origin>(source);
    }
    if (plugin == "ClientCertCNAuth")
    {
        return std::make_unique<client_cert_cn_auth>(source);
    }
    throw std::invalid_argument("unknown --auth-plugin '" + name +
                                "' (known: BasicHTTPAuth, ExpectOrigin, ClientCertCNAuth)");
}

} // namespace websockify::auth
