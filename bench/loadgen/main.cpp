// websockify_bench: a load generator (an independent RFC 6455 client) and the TCP targets it
// measures against. Each client run prints one JSON object on stdout.
#include "modes.hpp"
#include "target.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <map>
#include <openssl/ssl.h>
#include <optional>

namespace
{

using mode_function = std::function<bench::awaitable<bench::report>(const bench::run_options&)>;

struct client_flags
{
    bench::run_options run;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    bool tls = false;
    std::string tls_min = "1.3";
    // One suite, so that every server negotiates the same cipher whatever its preference.
    std::string ciphersuites = "TLS_AES_128_GCM_SHA256";
    std::string ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
    double timeout = 0;
};

/// A TLS client context that verifies nothing (the servers use throw-away certificates),
/// TLS 1.3 with AES-128-GCM unless told otherwise.
asio::ssl::context make_tls_context(const client_flags& flags)
{
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.set_verify_mode(asio::ssl::verify_none);
    auto* native = context.native_handle();
    SSL_CTX_set_min_proto_version(native, flags.tls_min == "1.2" ? TLS1_2_VERSION : TLS1_3_VERSION);
    if (SSL_CTX_set_ciphersuites(native, flags.ciphersuites.c_str()) != 1 ||
        SSL_CTX_set_cipher_list(native, flags.ciphers.c_str()) != 1)
    {
        throw std::runtime_error("OpenSSL rejected the cipher lists");
    }
    return context;
}

void add_connect_options(CLI::App& command, client_flags& flags)
{
    command.add_option("--host", flags.host, "address to connect to")->capture_default_str();
    command.add_option("-p,--port", flags.port, "port to connect to")->required();
    command.add_option("--path", flags.run.connect.path, "request path")->capture_default_str();
    command
        .add_option("--subprotocol", flags.run.connect.subprotocol,
                    "Sec-WebSocket-Protocol to offer ('' for none)")
        ->capture_default_str();
    command.add_flag("--tls", flags.tls,
                     "TLS (wss://, or TLS over TCP with --raw); no verification");
    command.add_option("--tls-min", flags.tls_min, "lowest TLS version: 1.2 or 1.3")
        ->check(CLI::IsMember({"1.2", "1.3"}))
        ->capture_default_str();
    command.add_option("--tls-ciphersuites", flags.ciphersuites, "TLS 1.3 cipher suites offered")
        ->capture_default_str();
    command.add_flag("--raw", flags.run.connect.raw,
                     "plain TCP: the same payloads without WebSocket framing (socat, direct)");
    command.add_option("-d,--duration", flags.run.duration_seconds, "seconds to measure")
        ->capture_default_str();
    command.add_option("--timeout", flags.timeout,
                       "give up after this many seconds (default: 4 x duration + 60)");
}

std::optional<bench::report> run_client(const std::string& mode, const mode_function& function,
                                        client_flags& flags)
{
    asio::io_context io(1);
    {
        asio::ip::tcp::resolver resolver(io);
        const auto results = resolver.resolve(flags.host, std::to_string(flags.port));
        flags.run.connect.endpoint = results.begin()->endpoint();
    }
    flags.run.connect.host = flags.host;
    std::optional<asio::ssl::context> tls;
    if (flags.tls)
    {
        tls.emplace(make_tls_context(flags));
        flags.run.connect.tls = &*tls;
    }
    std::optional<bench::report> result;
    std::exception_ptr failure;
    asio::co_spawn(io, function(flags.run),
                   [&](std::exception_ptr error, bench::report r)
                   {
                       failure = error;
                       result = std::move(r);
                       io.stop();
                   });
    const double limit = flags.timeout > 0 ? flags.timeout : 4 * flags.run.duration_seconds + 60;
    asio::steady_timer watchdog(io, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(limit)));
    bool timed_out = false;
    watchdog.async_wait(
        [&](const asio::error_code& ec)
        {
            if (!ec)
            {
                timed_out = true;
                io.stop();
            }
        });
    io.run();
    if (failure)
    {
        std::rethrow_exception(failure);
    }
    if (timed_out || !result)
    {
        bench::report r;
        r.add("mode", mode);
        r.add("ok", false);
        r.add("error", "no result within " + std::to_string(limit) + " s");
        return r;
    }
    return result;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"websockify_bench: WebSocket/TCP load generator and TCP targets.\n"
                 "Client modes print one JSON object per run on stdout."};
    app.require_subcommand(1);

    client_flags flags;
    std::map<std::string, std::pair<CLI::App*, mode_function>> modes;
    const auto add_mode =
        [&](const std::string& name, const std::string& help, mode_function function)
    {
        auto* command = app.add_subcommand(name, help);
        add_connect_options(*command, flags);
        modes[name] = {command, std::move(function)};
        return command;
    };

    auto* upload = add_mode("upload", "send 64 KiB messages to a sink target; MB/s it received",
                            bench::run_upload);
    upload->add_option("--message-size", flags.run.message_size, "bytes per message (65536)");
    upload
        ->add_option("--ack-every", flags.run.ack_every,
                     "the sink target's --ack-every (bytes per acknowledgement byte)")
        ->capture_default_str();

    auto* download =
        add_mode("download", "read what a source target streams; MB/s", bench::run_download);
    download->add_option("--read-size", flags.run.message_size, "bytes per read (262144)");
    download->add_flag("--verify", flags.run.verify, "check every byte against the pattern");

    auto* latency = add_mode("latency", "64 B echo round trips one at a time; percentiles in us",
                             bench::run_latency);
    latency->add_option("--message-size", flags.run.message_size, "bytes per message (64)");
    latency->add_option("--count", flags.run.max_messages, "stop after this many round trips");
    latency->add_option("--warmup", flags.run.warmup, "round trips not recorded")
        ->capture_default_str();

    auto* connections =
        add_mode("connections", "open N connections, read a process's memory, echo on all; msgs/s",
                 bench::run_connections);
    connections->add_option("count,-n,--count", flags.run.count, "connections to hold")->required();
    connections->add_option("--pid", flags.run.pid, "process whose memory (with children) is read");
    connections->add_option("--open-parallel", flags.run.in_flight,
                            "connections being opened at once (default 100)");
    connections->add_option("--message-size", flags.run.message_size, "bytes per echo (64)");
    connections
        ->add_option("--settle", flags.run.settle_seconds,
                     "seconds to wait before reading idle memory")
        ->capture_default_str();

    auto* handshakes = add_mode("handshakes", "cycles of connect, 101, one echo, close; cycles/s",
                                bench::run_handshakes);
    handshakes->add_option("-k,--in-flight", flags.run.in_flight, "cycles at once")
        ->capture_default_str();

    bench::target_options target;
    auto* target_command = app.add_subcommand("target", "a TCP sink, source or echo server");
    target_command->add_option("-m,--mode", target.mode, "sink, source or echo")
        ->check(CLI::IsMember({"sink", "source", "echo"}))
        ->required();
    target_command->add_option("--host", target.host, "address to listen on")
        ->capture_default_str();
    target_command->add_option("-p,--port", target.port, "port (0: any free one)")
        ->capture_default_str();
    target_command
        ->add_option("--ack-every", target.ack_every,
                     "sink: one byte back per this many bytes received")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    target_command->add_option("--chunk-size", target.chunk_size, "source: bytes per write")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    target_command->add_flag("--verify", target.verify, "sink: check bytes against the pattern");

    CLI11_PARSE(app, argc, argv);

    try
    {
        if (target_command->parsed())
        {
            return bench::run_target(target);
        }
        if (connections->parsed())
        {
            // Thousands of connections: small read buffers keep the client's own memory down.
            flags.run.connect.read_buffer_size = 4096;
            if (connections->count("--open-parallel") == 0)
            {
                flags.run.in_flight = 100;
            }
        }
        for (const auto& [name, entry] : modes)
        {
            if (entry.first->parsed())
            {
                const auto r = run_client(name, entry.second, flags);
                std::cout << r->to_json() << std::endl;
                return r->is_true("ok") ? 0 : 1;
            }
        }
    }
    catch (const std::exception& e)
    {
        bench::report r;
        r.add("ok", false);
        r.add("error", e.what());
        std::cout << r.to_json() << std::endl;
        return 1;
    }
    return 2;
}
