// TokenRedis: GET [namespace:]token from Redis with hiredis' blocking API on the worker pool.
// Connections are kept between lookups and dropped after any failure, so a Redis restart costs
// the lookups made while it is down, and the next one reconnects.
#include "idle_handles.hpp"
#include "websockify/net/listener.hpp"
#include "websockify/token/redis_source.hpp"
#include "websockify/token_plugins/plugins.hpp"
#include "websockify/token_plugins/run_blocking.hpp"

#include <cerrno>
#include <hiredis/hiredis.h>
#include <memory>
#include <string>
#include <vector>

namespace websockify::token_plugins
{
namespace
{

using lookup_clock = std::chrono::steady_clock;
using redis_connection = std::unique_ptr<redisContext, decltype(&redisFree)>;
using redis_reply = std::unique_ptr<redisReply, decltype(&freeReplyObject)>;

/// The time left until `deadline` as hiredis takes it; nothing once it has passed.
std::optional<timeval> remaining(lookup_clock::time_point deadline)
{
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - lookup_clock::now());
    if (left.count() <= 0)
    {
        return std::nullopt;
    }
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(left.count() / 1'000'000);
    tv.tv_usec = static_cast<suseconds_t>(left.count() % 1'000'000);
    return tv;
}

/// hiredis 0.14 reports a socket timeout as an I/O error with errno EAGAIN (a read or write
/// past SO_RCVTIMEO/SO_SNDTIMEO) or ETIMEDOUT (connect); it has no REDIS_ERR_TIMEOUT yet.
bool is_timeout(int error_number)
{
    return error_number == EAGAIN || error_number == EWOULDBLOCK || error_number == ETIMEDOUT ||
           error_number == EINPROGRESS;
}

/// What went wrong with a command or a connection, and whether the connection is still usable.
struct redis_outcome
{
    redis_reply reply{nullptr, freeReplyObject};
    std::optional<lookup_result> failure;
    bool connection_lost = false; ///< an I/O error: the connection must be dropped
};

lookup_result io_failure(const redisContext& context, int error_number, const std::string& what)
{
    const auto kind = context.err == REDIS_ERR_IO && is_timeout(error_number)
                          ? failure_kind::timed_out
                          : failure_kind::backend_failed;
    return lookup_result::fail(kind, "Redis " + what + ": " + std::string(context.errstr));
}

/// One command with binary-safe arguments, bounded by what is left of the lookup's time.
redis_outcome run_command(redisContext& context, const std::vector<std::string>& arguments,
                          lookup_clock::time_point deadline)
{
    redis_outcome outcome;
    const auto what = arguments.front();
    const auto left = remaining(deadline);
    if (!left)
    {
        outcome.failure =
            lookup_result::fail(failure_kind::timed_out, "Redis " + what + ": no time left");
        outcome.connection_lost = true;
        return outcome;
    }
    redisSetTimeout(&context, *left);
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& argument : arguments)
    {
        argv.push_back(argument.data());
        lengths.push_back(argument.size());
    }
    errno = 0;
    outcome.reply.reset(static_cast<redisReply*>(
        redisCommandArgv(&context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    const int error_number = errno;
    if (!outcome.reply)
    {
        outcome.failure = io_failure(context, error_number, what);
        outcome.connection_lost = true;
    }
    else if (outcome.reply->type == REDIS_REPLY_ERROR)
    {
        // Redis refused the command (NOAUTH, WRONGTYPE, ...); the connection itself is fine.
        outcome.failure = lookup_result::fail(
            failure_kind::backend_failed,
            "Redis " + what + ": " + std::string(outcome.reply->str, outcome.reply->len));
    }
    return outcome;
}

/// The configuration shared by every lookup, and the connections kept between them. Lookups
/// hold it by shared_ptr: one still running on a worker when the server stops must not
/// outlive what it uses.
class redis_store
{
public:
    redis_store(token::redis_source source, std::chrono::milliseconds timeout)
        : source_(std::move(source)), timeout_(timeout)
    {
    }

    /// Blocking: connect if needed, then GET, all within `timeout`.
    lookup_result find(const std::string& token)
    {
        const auto deadline = lookup_clock::now() + timeout_;
        if (auto kept = idle_.take())
        {
            auto result = get(std::move(*kept), token, deadline);
            // A kept connection may have been closed by a Redis restart since its last use:
            // that is no reason to fail this lookup, a fresh connection is tried at once.
            if (!result.connection_lost)
            {
                return std::move(result.answer);
            }
        }
        auto fresh = connect(deadline);
        if (!fresh.connection)
        {
            return std::move(fresh.failure);
        }
        return std::move(get(std::move(fresh.connection), token, deadline).answer);
    }

private:
    struct connect_result
    {
        redis_connection connection{nullptr, redisFree};
        lookup_result failure;
    };

    struct get_result
    {
        lookup_result answer;
        bool connection_lost = false;
    };

    connect_result connect(lookup_clock::time_point deadline) const
    {
        connect_result result;
        const auto left = remaining(deadline);
        if (!left)
        {
            result.failure =
                lookup_result::fail(failure_kind::timed_out, "Redis connect: no time left");
            return result;
        }
        errno = 0;
        redis_connection connection(
            redisConnectWithTimeout(source_.host.c_str(), source_.port, *left), redisFree);
        const int error_number = errno;
        if (!connection)
        {
            result.failure =
                lookup_result::fail(failure_kind::backend_failed, "Redis connect: out of memory");
            return result;
        }
        if (connection->err != 0)
        {
            result.failure =
                io_failure(*connection, error_number,
                           "connect to " + source_.host + ":" + std::to_string(source_.port));
            return result;
        }
        if (source_.password)
        {
            auto auth = run_command(*connection, {"AUTH", *source_.password}, deadline);
            if (auth.failure)
            {
                result.failure = std::move(*auth.failure);
                return result;
            }
        }
        if (source_.db != 0)
        {
            auto select =
                run_command(*connection, {"SELECT", std::to_string(source_.db)}, deadline);
            if (select.failure)
            {
                result.failure = std::move(*select.failure);
                return result;
            }
        }
        result.connection = std::move(connection);
        return result;
    }

    get_result get(redis_connection connection, const std::string& token,
                   lookup_clock::time_point deadline)
    {
        get_result result;
        const auto key = token::redis_key(source_, token);
        auto outcome = run_command(*connection, {"GET", key}, deadline);
        if (outcome.connection_lost)
        {
            result.answer = std::move(*outcome.failure);
            result.connection_lost = true;
            return result;
        }
        idle_.give_back(std::move(connection));
        if (outcome.failure)
        {
            result.answer = std::move(*outcome.failure);
            return result;
        }
        result.answer = interpret(key, *outcome.reply);
        return result;
    }

    static lookup_result interpret(const std::string& key, const redisReply& reply)
    {
        if (reply.type == REDIS_REPLY_NIL)
        {
            return lookup_result::fail(failure_kind::unknown_token, "no Redis key '" + key + "'");
        }
        if (reply.type != REDIS_REPLY_STRING)
        {
            return lookup_result::fail(failure_kind::backend_failed,
                                       "Redis key '" + key + "' does not hold a string");
        }
        const std::string value(reply.str, reply.len);
        auto where = token::parse_redis_value(value);
        if (!where)
        {
            return lookup_result::fail(failure_kind::backend_failed,
                                       "Redis key '" + key + "' holds '" + value.substr(0, 100) +
                                           "', not {\"host\": \"h:p\"} or h:p");
        }
        return lookup_result::success(std::move(*where));
    }

    token::redis_source source_;
    std::chrono::milliseconds timeout_;
    detail::idle_handles<redis_connection> idle_;
};

/// The blocking call handed to the workers, built outside the coroutine (gcc 12 mishandles
/// lambda captures in coroutine bodies).
auto find_call(std::shared_ptr<redis_store> store, std::string token)
{
    return [store = std::move(store), token = std::move(token)] { return store->find(token); };
}

class redis_plugin final : public token_plugin
{
public:
    redis_plugin(std::shared_ptr<redis_store> store, asio::thread_pool& workers)
        : store_(std::move(store)), workers_(workers)
    {
    }

    net::awaitable<lookup_result> lookup(std::string token) override
    {
        // A named local, not a temporary: gcc 12 destroys a temporary passed by value to a
        // coroutine inside a co_await expression twice (GCC PR 99576).
        auto call = find_call(store_, std::move(token));
        co_return co_await run_blocking(workers_, std::move(call));
    }

private:
    std::shared_ptr<redis_store> store_;
    asio::thread_pool& workers_;
};

} // namespace

std::unique_ptr<token_plugin> make_redis_plugin(const std::string& source,
                                                const plugin_context& context)
{
    auto parsed = token::parse_redis_source(source);
    if (!parsed)
    {
        // The source is not repeated: it may hold the Redis password.
        throw net::startup_error("TokenRedis --token-source is not "
                                 "host[:port[:db[:password[:namespace]]]] (port 1-65535, db a "
                                 "number)");
    }
    if (context.workers == nullptr)
    {
        throw net::startup_error("TokenRedis needs worker threads");
    }
    return std::make_unique<redis_plugin>(
        std::make_shared<redis_store>(std::move(*parsed), context.lookup_timeout),
        *context.workers);
}

} // namespace websockify::token_plugins
