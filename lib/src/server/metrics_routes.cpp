#include "websockify/server/metrics_routes.hpp"

#include "websockify/http/request_head.hpp"
#include "websockify/http/response.hpp"
#include "websockify/metrics/exposition.hpp"

namespace websockify::server
{
namespace
{

/// A 200 that no cache keeps: every scrape and probe must see the present.
std::string fresh(std::string body, std::string_view content_type)
{
    http::response r;
    r.headers = {{"Content-Type", std::string(content_type)},
                 {"Cache-Control", "no-store"},
                 {"Connection", "close"}};
    r.body = std::move(body);
    return http::format_response(r);
}

/// RFC 9110 §9.3.2: HEAD gets the GET response's header section, Content-Length included.
std::string head_only(std::string response)
{
    const auto end = response.find("\r\n\r\n");
    if (end != std::string::npos)
    {
        response.resize(end + 4);
    }
    return response;
}

std::string answer_get(const http::request_head& request, const metrics::registry& registry,
                       std::string_view not_ready)
{
    // Scrapers may add a query (e.g. ?name[]=...); it selects nothing here.
    const auto path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (path == "/metrics")
    {
        return fresh(metrics::render_text(registry), metrics::exposition_content_type);
    }
    if (path == "/healthz")
    {
        return fresh("ok\n", "text/plain; charset=utf-8");
    }
    if (path == "/readyz")
    {
        return not_ready.empty() ? fresh("ok\n", "text/plain; charset=utf-8")
                                 : http::format_error_response(503, not_ready);
    }
    return http::format_error_response(404, "this port serves /metrics, /healthz and /readyz");
}

} // namespace

std::string answer_metrics_request(std::string_view head, const metrics::registry& registry,
                                   std::string_view not_ready)
{
    const auto request = http::parse_request_head(head);
    if (!request)
    {
        return http::format_error_response(400, "bad request: " + request.error().message());
    }
    const bool head_method = request->method == "HEAD";
    if (request->method != "GET" && !head_method)
    {
        return http::format_error_response(405, "only GET and HEAD are served here",
                                           {{"Allow", "GET, HEAD"}});
    }
    auto response = answer_get(*request, registry, not_ready);
    return head_method ? head_only(std::move(response)) : response;
}

} // namespace websockify::server
