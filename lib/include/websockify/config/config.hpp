#pragma once

#include "websockify/config/log_destination.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace websockify::config
{

/// A bad option value found at startup; main() prints what() as one line and exits 2.
class invalid_argument : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// A host (name or IP literal, brackets removed) and a port. An empty host means "any".
struct endpoint
{
    std::string host;
    std::uint16_t port = 0;
};

/// How log lines look: Python websockify's lines, or one JSON object per event.
enum class log_format
{
    human,
    json
};

/// TLS for clients (wss://) on the same port, by Python's option names.
struct tls_options
{
    std::string cert = "self.pem"; ///< certificate chain, may hold the key too
    bool cert_given = false;       ///< --cert was explicit: a missing file is then an error
    std::string key;               ///< empty: the key is in `cert`
    std::string key_password;
    bool ssl_only = false;
    std::string ssl_version = "default"; ///< minimum: default (TLS 1.2), tlsv1_1, tlsv1_2, tlsv1_3
    std::string ciphers;                 ///< OpenSSL cipher list for TLS <= 1.2
    bool verify_client = false;
    std::string cafile; ///< CAs for client certificates; empty: system default
};

/// TLS towards the target (--ssl-target).
struct target_tls_options
{
    bool enabled = false;
    bool verify = true; ///< check the target's certificate and host name (Python did not)
    std::string cafile; ///< CAs for the target; empty: the system's
};

/// What --wrap-mode does when the wrapped program exits.
enum class wrap_mode
{
    exit,    ///< websockify exits with the program's status
    ignore,  ///< keep serving (programs that daemonize)
    respawn, ///< start it again, with exponential backoff
};

/// `websockify [PORT] -- PROGRAM ARGS`: a program started and supervised by websockify.
struct wrap_options
{
    std::vector<std::string> command; ///< empty: nothing to wrap
    wrap_mode mode = wrap_mode::exit;
    /// No listen port was given: rebind.so reports the port the program binds first.
    bool port_from_program = false;
    std::string rebind_library; ///< explicit path of rebind.so; empty: found next to the binary
    /// --wrap-as-root: started as root without --user, the program may run as root.
    bool as_root = false;
    /// After SIGTERM to the program's process group, how long until SIGKILL.
    std::chrono::milliseconds stop_grace{5'000};
};

/// How the process runs and when it stops (spec §8).
struct lifecycle_options
{
    bool daemon = false;   ///< -D: detach into the background once listening
    std::string pid_file;  ///< write the serving process's pid here; removed at exit
    bool run_once = false; ///< exit after the first WebSocket session
    /// --timeout: stop this long after start; zero means never.
    std::chrono::milliseconds timeout{0};
    /// --idle-timeout: stop after this long without any connection; zero means never.
    std::chrono::milliseconds idle_timeout{0};
    /// After a stop request, how long live sessions may go on before they get 1001.
    std::chrono::milliseconds shutdown_grace{5'000};
    /// --user / --group: who to become once the port is bound and the certificates read.
    std::string user;
    std::string group;
};

/// Target selection by token (spec §4).
struct token_options
{
    std::string plugin;     ///< --token-plugin (Python's names); empty: one fixed target
    std::string source;     ///< --token-source
    bool from_host = false; ///< --host-token: the token is the Host header's name
    /// Longest wait for a token store (HTTP API, Redis) before the client gets 504.
    std::chrono::milliseconds lookup_timeout{5'000};
    /// --token-cache-ttl: a found target is reused this long without asking the store again;
    /// zero (the default) asks on every connection.
    std::chrono::milliseconds cache_ttl{0};
    /// --allow-target rules (token/allow_list.hpp); empty: a token may lead anywhere.
    std::vector<std::string> allow_targets;
};

/// Who may connect (spec §4).
struct auth_options
{
    std::string plugin; ///< --auth-plugin (Python's names); empty: everyone
    std::string source; ///< --auth-source
    bool web = false;   ///< --web-auth: web requests are checked too
};

/// --compress: permessage-deflate (RFC 7692) for RFC 6455 clients that offer it.
struct compression_options
{
    bool enabled = false;
    /// --compress-level: zlib level, 1 (fastest) .. 9 (smallest). 1 compresses source-like text
    /// about 3 times faster than 6 for output some 20% larger: a proxy should not be the
    /// bottleneck.
    int level = 1;
    /// --compress-max-window-bits: the largest LZ77 window (log2 bytes, 9..15) either side may
    /// use where RFC 7692 lets the server choose; it also sizes zlib's memory per session.
    int max_window_bits = 15;
};

/// Bounds on each recording file.
struct record_limit_options
{
    /// --record-max-size: bytes per file; 0 means unbounded.
    std::uint64_t max_size = 0;
    /// --record-rotate: a full file goes on in NAME.part2, ... instead of ending the recording.
    bool rotate = false;
};

/// Everything `run()` needs, filled by the CLI and checked by `validate()`.
struct settings
{
    endpoint listen;
    endpoint target;
    /// --unix-listen PATH: listen on a unix socket instead of `listen`, with this file mode.
    std::string unix_listen;
    std::uint32_t unix_listen_mode = 0600;
    /// --inetd: file descriptor 0 is the listening socket; `listen` is unused.
    bool inetd = false;
    /// Systemd socket activation (LISTEN_FDS): the listening socket passed as this descriptor
    /// replaces `listen`; -1 when not socket-activated.
    int activated_listen_fd = -1;
    /// A passed socket named "metrics" (FileDescriptorName=metrics) serves what
    /// --metrics-listen would; -1 when there is none.
    int activated_metrics_fd = -1;
    /// --unix-target PATH: the target is a unix socket instead of `target`.
    std::string unix_target;
    lifecycle_options lifecycle;
    /// --record FILE: each WebSocket session is recorded to FILE.<connection number>, or, when
    /// FILE holds placeholders ({n}, {token}, {client}, {time}), to FILE with them filled in.
    std::string record;
    /// --record-max-size / --record-rotate.
    record_limit_options record_limits;
    token_options tokens;
    auth_options auth;
    bool verbose = false;
    bool traffic = false;
    bool prefer_ipv6 = false;
    log_format log = log_format::human;
    tls_options tls;
    target_tls_options target_tls;
    wrap_options wrap;
    /// --web DIR: serve static files on the same port; empty means only WebSocket upgrades.
    std::string web;
    /// --file-only: no directory listings.
    bool file_only = false;
    /// --hixie: also accept the 2010 drafts Hixie-75/76 (no masking, base64 text frames).
    bool hixie = false;
    compression_options compression;

    /// Largest WebSocket message accepted from a client (bytes); 0 means no limit.
    std::uint64_t max_message_size = 64ULL * 1024 * 1024;
    /// --max-connections: open connections at most; 0 means as many as the file descriptor
    /// limit allows (resolved at startup).
    std::size_t max_connections = 0;
    /// --max-connections-per-ip: open connections from one client address; 0 means no limit.
    std::size_t max_connections_per_ip = 0;
    /// --threads: threads sessions run on (each session on one); 0 means one per usable core.
    std::size_t threads = 0;
    /// Largest HTTP request head (bytes); over it the client gets 431.
    std::size_t max_head_size = std::size_t{16} * 1024;
    /// Bytes read from either peer at a time, per direction and session.
    std::size_t buffer_size = std::size_t{64} * 1024;
    /// Sniff, TLS handshake and request head together must arrive within this time, measured
    /// from the accept (slowloris protection).
    std::chrono::milliseconds handshake_timeout{10'000};
    /// Per target address tried.
    std::chrono::milliseconds connect_timeout{10'000};
    /// After we send a close frame, how long we wait for the client's close reply.
    std::chrono::milliseconds close_timeout{2'000};
    /// --heartbeat: a ping to the client this often; zero means none.
    std::chrono::milliseconds heartbeat{0};
    /// With --heartbeat: a client silent for this many intervals is closed as dead.
    unsigned heartbeat_misses = 3;
    /// --session-idle-timeout: a session with no data either way for this long is closed.
    std::chrono::milliseconds session_idle_timeout{0};
    /// --log-file, --syslog, --legacy-syslog: where log lines go besides stderr.
    log_destination log_to;
    /// --metrics-listen [ADDR:]PORT: a separate plain-HTTP port for /metrics, /healthz and
    /// /readyz; unset means none.
    std::optional<endpoint> metrics_listen;
    /// --proxy-protocol: every connection on the public port opens with a PROXY protocol
    /// header (v1 or v2, HAProxy's spec) whose client address replaces the socket's peer.
    bool proxy_protocol = false;
    /// --trusted-proxy ranges (proxy/trusted_proxies.hpp): peers whose Forwarded and
    /// X-Forwarded-For headers name the client; empty: those headers are ignored.
    std::vector<std::string> trusted_proxies;
};

/// `[source_addr:]source_port` as Python websockify takes it; `[::1]:80` for IPv6.
/// Throws invalid_argument naming the bad part.
endpoint parse_listen_address(std::string_view text);

/// `target_addr:target_port`; the host is required. Throws invalid_argument.
endpoint parse_target_address(std::string_view text);

/// Every file and directory path in `s` made absolute against the current directory, for a
/// daemon that changes to / before it reads them.
void make_paths_absolute(settings& s);

/// `host:port` (brackets for IPv6 literals) for logs.
std::string to_string(const endpoint& e);

} // namespace websockify::config
