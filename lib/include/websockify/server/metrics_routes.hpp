#pragma once

#include "websockify/metrics/registry.hpp"

#include <string>
#include <string_view>

namespace websockify::server
{

/// The complete HTTP response to one request head on the --metrics-listen port:
/// GET /metrics (Prometheus text 0.0.4), /healthz (200 "ok"), /readyz (200 "ok", or 503 with
/// `not_ready` as its one-line reason when that is not empty); 404 for other paths, 405 for
/// methods other than GET and HEAD (HEAD gets GET's head alone), 400 for a malformed head.
std::string answer_metrics_request(std::string_view head, const metrics::registry& registry,
                                   std::string_view not_ready);

} // namespace websockify::server
