// BaseTokenAPI and JSONTokenApi: the target comes from an HTTP(S) GET of a URL built from the
// token. libcurl's blocking easy interface runs on the worker pool, bounded by its own timeout.
#include "idle_handles.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/token/json_target.hpp"
#include "websockify/token_plugins/plugins.hpp"
#include "websockify/token_plugins/run_blocking.hpp"

#include <array>
#include <curl/curl.h>
#include <memory>
#include <mutex>
#include <string>

namespace websockify::token_plugins
{
namespace
{

/// A token API answers with a few bytes; anything longer is a misconfigured URL.
constexpr std::size_t max_answer_bytes = 64 * 1024;

using curl_handle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

void initialise_curl_once()
{
    static std::once_flag once;
    std::call_once(once,
                   []
                   {
                       if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                       {
                           throw net::startup_error("libcurl could not be initialised");
                       }
                   });
}

/// RFC 3986 §2.3: only unreserved characters stay as they are, so a token can never add a path
/// segment, a query parameter or a fragment to the URL.
std::string url_encode(std::string_view text)
{
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string encoded;
    for (const char c : text)
    {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved)
        {
            encoded += c;
            continue;
        }
        encoded += '%';
        encoded += hex[byte >> 4U];
        encoded += hex[byte & 0x0FU];
    }
    return encoded;
}

/// Python's `source % token`: each "%s" becomes the token and "%%" a single '%'. Any other
/// '%' is kept, where Python would fail the lookup.
std::string expand_url(std::string_view source, std::string_view encoded_token)
{
    std::string url;
    for (std::size_t i = 0; i < source.size(); ++i)
    {
        const bool directive = source[i] == '%' && i + 1 < source.size();
        if (directive && source[i + 1] == 's')
        {
            url += encoded_token;
            ++i;
        }
        else if (directive && source[i + 1] == '%')
        {
            url += '%';
            ++i;
        }
        else
        {
            url += source[i];
        }
    }
    return url;
}

struct answer_buffer
{
    std::string body;
    bool too_large = false;
};

std::size_t collect_answer(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* answer = static_cast<answer_buffer*>(user);
    const auto bytes = size * count;
    if (answer->body.size() + bytes > max_answer_bytes)
    {
        answer->too_large = true;
        return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    answer->body.append(data, bytes);
    return bytes;
}

/// Everything one GET needs. Redirects are off: a token store that redirects is misconfigured,
/// and following one could take the lookup to a host nobody chose.
void configure(CURL* handle, const std::string& url, std::chrono::milliseconds timeout,
               answer_buffer& answer, std::array<char, CURL_ERROR_SIZE>& error_text)
{
    const auto timeout_ms = static_cast<long>(timeout.count());
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    // Worker threads must not have curl's alarm()-based DNS timeout fire signals at them.
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "websockify/" WEBSOCKIFY_VERSION);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, collect_answer);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &answer);
    error_text[0] = '\0';
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text.data());
}

/// The configuration shared by every lookup, and the connections kept alive between them.
/// Lookups hold it by shared_ptr: a GET still running on a worker when the server stops
/// must not outlive what it uses.
class token_api
{
public:
    token_api(std::string source, bool json, std::chrono::milliseconds timeout)
        : source_(std::move(source)), json_(json), timeout_(timeout)
    {
    }

    /// Blocking: one GET, at most `timeout` long.
    lookup_result fetch(const std::string& token)
    {
        const auto url = expand_url(source_, url_encode(token));
        auto handle = idle_.take();
        if (!handle)
        {
            handle.emplace(curl_easy_init(), curl_easy_cleanup);
            if (!*handle)
            {
                return lookup_result::fail(failure_kind::backend_failed, "curl_easy_init failed");
            }
        }
        answer_buffer answer;
        std::array<char, CURL_ERROR_SIZE> error_text{};
        configure(handle->get(), url, timeout_, answer, error_text);
        const auto code = curl_easy_perform(handle->get());
        long status = 0;
        curl_easy_getinfo(handle->get(), CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(handle->get(), CURLOPT_ERRORBUFFER, nullptr);
        curl_easy_setopt(handle->get(), CURLOPT_WRITEDATA, nullptr);
        if (code != CURLE_OK)
        {
            return transfer_failure(url, code, answer, error_text.data());
        }
        idle_.give_back(std::move(*handle)); // keeps the connection for the next lookup
        return interpret(url, status, answer.body);
    }

private:
    static lookup_result transfer_failure(const std::string& url, CURLcode code,
                                          const answer_buffer& answer, const char* error_text)
    {
        if (code == CURLE_OPERATION_TIMEDOUT)
        {
            return lookup_result::fail(failure_kind::timed_out,
                                       "GET " + url + ": " + std::string(error_text));
        }
        if (answer.too_large)
        {
            return lookup_result::fail(failure_kind::backend_failed,
                                       "GET " + url + ": answer longer than " +
                                           std::to_string(max_answer_bytes) + " bytes");
        }
        const std::string why = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
        return lookup_result::fail(failure_kind::backend_failed, "GET " + url + ": " + why);
    }

    lookup_result interpret(const std::string& url, long status, const std::string& body) const
    {
        if (status == 404)
        {
            return lookup_result::fail(failure_kind::unknown_token, "GET " + url + ": HTTP 404");
        }
        if (status < 200 || status > 299)
        {
            return lookup_result::fail(failure_kind::backend_failed,
                                       "GET " + url + ": HTTP " + std::to_string(status));
        }
        auto where = json_ ? token::parse_json_target(body) : token::parse_target(body);
        if (!where)
        {
            const auto shown = body.substr(0, 100);
            return lookup_result::fail(
                failure_kind::backend_failed,
                "GET " + url + ": answer '" + shown + "' is not " +
                    (json_ ? "{\"host\": ..., \"port\": ...}" : "host:port"));
        }
        return lookup_result::success(std::move(*where));
    }

    std::string source_;
    bool json_;
    std::chrono::milliseconds timeout_;
    detail::idle_handles<curl_handle> idle_;
};

/// The blocking call handed to the workers, built outside the coroutine (gcc 12 mishandles
/// lambda captures in coroutine bodies).
auto fetch_call(std::shared_ptr<token_api> api, std::string token)
{
    return [api = std::move(api), token = std::move(token)] { return api->fetch(token); };
}

class token_api_plugin final : public token_plugin
{
public:
    token_api_plugin(std::shared_ptr<token_api> api, asio::thread_pool& workers)
        : api_(std::move(api)), workers_(workers)
    {
    }

    net::awaitable<lookup_result> lookup(std::string token) override
    {
        // A named local, not a temporary: gcc 12 destroys a temporary passed by value to a
        // coroutine inside a co_await expression twice (GCC PR 99576).
        auto call = fetch_call(api_, std::move(token));
        co_return co_await run_blocking(workers_, std::move(call));
    }

private:
    std::shared_ptr<token_api> api_;
    asio::thread_pool& workers_;
};

} // namespace

std::unique_ptr<token_plugin> make_token_api_plugin(const std::string& source, bool json,
                                                    const plugin_context& context)
{
    const char* name = json ? "JSONTokenApi" : "BaseTokenAPI";
    if (source.find("%s") == std::string::npos)
    {
        throw net::startup_error(std::string(name) + " source '" + source +
                                 "' has no %s where the token goes");
    }
    if (!source.starts_with("http://") && !source.starts_with("https://"))
    {
        throw net::startup_error(std::string(name) + " source '" + source +
                                 "' is not an http:// or https:// URL");
    }
    if (context.workers == nullptr)
    {
        throw net::startup_error(std::string(name) + " needs worker threads");
    }
    initialise_curl_once();
    return std::make_unique<token_api_plugin>(
        std::make_shared<token_api>(source, json, context.lookup_timeout), *context.workers);
}

} // namespace websockify::token_plugins
