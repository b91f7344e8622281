/* rebind.so: preloaded (LD_PRELOAD) into the program that `websockify [PORT] -- PROGRAM ARGS`
 * wraps, it moves the program's listening socket off the public port onto loopback, so that
 * websockify can own the public port and proxy to the program (behaviour spec §6).
 *
 * The protocol with websockify, read from the environment once, when the library loads:
 *
 * Move mode: REBIND_OLD_PORT=OLD and REBIND_NEW_PORT=NEW, both decimal ports in 1..65535.
 *   A bind() of an AF_INET or AF_INET6 socket to port OLD, on any address, binds instead to
 *   127.0.0.1:NEW (AF_INET) or [::1]:NEW (AF_INET6, v4-mapped addresses included). websockify
 *   picked NEW as a free loopback port and proxies to it. Python's shim did this for IPv4 only.
 *
 * Report mode: REBIND_REPORT_FD=FD (an inherited pipe or socket) and REBIND_OLD_PORT unset.
 *   For `websockify -- PROGRAM`, where only the program knows the port it listens on. The
 *   first bind() of a SOCK_STREAM AF_INET/AF_INET6 socket to a non-zero port P binds instead to
 *   loopback port 0; the library then writes "P Q\n", Q being the port the kernel picked, to FD
 *   in one write() and closes FD. End of file without a line means no such bind was reported.
 *   Later stream binds to P (say the program's socket for the other address family) go to
 *   loopback port Q, or to loopback port 0 when Q is taken there, and are not reported.
 *
 * Anything else reaches the real bind() untouched: other families, other ports, a NULL or
 * short address (the real bind() reports that error). A missing or malformed variable disables
 * its mode instead of failing, so the program runs as if the library were absent. The caller's
 * sockaddr is never written to, and errno is the real bind()'s.
 *
 * bind() stays async-signal-safe, as POSIX promises: the environment and the real bind() are
 * looked up by the constructor, and the report mode's state is lock-free atomics, so that
 * threads binding at once agree on which bind is reported. */
#define _POSIX_C_SOURCE 200809L /* NOLINT(bugprone-reserved-identifier): a feature macro */

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* RTLD_NEXT is a GNU extension, but _GNU_SOURCE would also give glibc's bind() prototype a
 * transparent-union parameter that our definition cannot match in ISO C. This is glibc's (and
 * musl's) value. */
#ifndef RTLD_NEXT
#define RTLD_NEXT ((void*)-1L)
#endif

typedef int (*bind_function)(int, const struct sockaddr*, socklen_t);

/* Set by the constructor, before main() can start threads or edit its environment. */
static int old_port; /* move mode when old_port and new_port are both non-zero */
static int new_port;
static int report_fd = -1;  /* report mode when >= 0 */
static dev_t report_fd_dev; /* which pipe report_fd was, in case the program reuses the number */
static ino_t report_fd_ino;

/* Report mode. reported_old is 0 until a bind claims the report, then P; -1 when reporting
 * became impossible. reported_new is Q once known, 0 before. */
static atomic_int reported_old;
static atomic_int reported_new;

static _Atomic(bind_function) real_bind_function;

/* Copies size bytes from offset in object: the caller's sockaddr may be unaligned or of another
 * type than the one we read it as, and ISO C has no cast from void* to a function pointer. */
static void read_bytes(void* to, const void* object, size_t offset, size_t size)
{
    /* NOLINTNEXTLINE(clang-analyzer-security.insecure*): C11 Annex K is not in glibc */
    memcpy(to, (const char*)object + offset, size);
}

/* A decimal number in 0..max written with digits only, or -1: no sign, space or overflow. */
static long parse_decimal(const char* text, long max)
{
    if (text == NULL || *text == '\0')
    {
        return -1;
    }
    long value = 0;
    for (; *text != '\0'; ++text)
    {
        if (*text < '0' || *text > '9')
        {
            return -1;
        }
        value = value * 10 + (*text - '0');
        if (value > max)
        {
            return -1;
        }
    }
    return value;
}

static bind_function real_bind(void)
{
    bind_function function = atomic_load(&real_bind_function);
    if (function == NULL)
    {
        /* POSIX guarantees a function pointer fits in dlsym's void*. */
        _Static_assert(sizeof(bind_function) == sizeof(void*), "dlsym result size");
        void* symbol = dlsym(RTLD_NEXT, "bind");
        read_bytes(&function, &symbol, 0, sizeof function);
        atomic_store(&real_bind_function, function);
    }
    return function;
}

__attribute__((constructor)) static void read_environment(void)
{
    (void)real_bind();

    const char* old_text = getenv("REBIND_OLD_PORT");
    long old_value = parse_decimal(old_text, 65535);
    long new_value = parse_decimal(getenv("REBIND_NEW_PORT"), 65535);
    if (old_value > 0 && new_value > 0)
    {
        old_port = (int)old_value;
        new_port = (int)new_value;
    }

    long fd = parse_decimal(getenv("REBIND_REPORT_FD"), INT_MAX);
    struct stat status;
    if (old_text == NULL && fd >= 0 && fstat((int)fd, &status) == 0 &&
        (S_ISFIFO(status.st_mode) || S_ISSOCK(status.st_mode)))
    {
        report_fd = (int)fd;
        report_fd_dev = status.st_dev;
        report_fd_ino = status.st_ino;
    }
}

/* The family and port of an AF_INET/AF_INET6 address long enough for the kernel to accept;
 * false for anything the library leaves alone. */
static int read_inet_address(const struct sockaddr* addr, socklen_t addrlen, int* family, int* port)
{
    if (addr == NULL || addrlen < sizeof(sa_family_t))
    {
        return 0;
    }
    sa_family_t address_family = 0;
    read_bytes(&address_family, addr, offsetof(struct sockaddr, sa_family), sizeof address_family);
    in_port_t network_port = 0;
    if (address_family == AF_INET && addrlen >= sizeof(struct sockaddr_in))
    {
        read_bytes(&network_port, addr, offsetof(struct sockaddr_in, sin_port),
                   sizeof network_port);
    }
    /* Linux accepts the 24-byte RFC 2133 sockaddr_in6, which has no sin6_scope_id. */
    else if (address_family == AF_INET6 &&
             addrlen >= offsetof(struct sockaddr_in6, sin6_addr) + sizeof(struct in6_addr))
    {
        read_bytes(&network_port, addr, offsetof(struct sockaddr_in6, sin6_port),
                   sizeof network_port);
    }
    else
    {
        return 0;
    }
    *family = address_family;
    *port = ntohs(network_port);
    return 1;
}

/* Binds fd to 127.0.0.1:port or [::1]:port, by family. */
static int bind_loopback(bind_function next, int fd, int family, int port)
{
    if (family == AF_INET)
    {
        struct sockaddr_in loopback = {0};
        loopback.sin_family = AF_INET;
        loopback.sin_port = htons((in_port_t)port);
        loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return next(fd, (const struct sockaddr*)&loopback, sizeof loopback);
    }
    struct sockaddr_in6 loopback = {0};
    loopback.sin6_family = AF_INET6;
    loopback.sin6_port = htons((in_port_t)port);
    loopback.sin6_addr = in6addr_loopback;
    return next(fd, (const struct sockaddr*)&loopback, sizeof loopback);
}

static int is_stream_socket(int fd)
{
    int type = 0;
    socklen_t length = sizeof type;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_STREAM;
}

/* Whether report_fd still is the pipe websockify gave us: the program may have closed it and
 * reused the number (a self-pipe, say), and a stray line there would corrupt its data. */
static int report_fd_is_ours(void)
{
    struct stat status;
    return fstat(report_fd, &status) == 0 && status.st_dev == report_fd_dev &&
           status.st_ino == report_fd_ino;
}

/* Appends the decimal digits of value (0..65535) to *cursor. snprintf is not signal-safe. */
static void put_decimal(char** cursor, int value)
{
    char digits[5];
    size_t count = 0;
    do
    {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && count < sizeof digits);
    while (count > 0)
    {
        *(*cursor)++ = digits[--count];
    }
}

/* fd was just bound to loopback port 0 in place of public_port: tell websockify where. */
static void report(int fd, int public_port)
{
    struct sockaddr_storage local;
    socklen_t length = sizeof local;
    if (getsockname(fd, (struct sockaddr*)&local, &length) == 0)
    {
        in_port_t network_port = 0;
        read_bytes(&network_port, &local,
                   local.ss_family == AF_INET ? offsetof(struct sockaddr_in, sin_port)
                                              : offsetof(struct sockaddr_in6, sin6_port),
                   sizeof network_port);
        int picked_port = ntohs(network_port);
        atomic_store(&reported_new, picked_port);

        /* At most 12 bytes, below PIPE_BUF: the line arrives whole or not at all. */
        char line[16];
        char* end = line;
        put_decimal(&end, public_port);
        *end++ = ' ';
        put_decimal(&end, picked_port);
        *end++ = '\n';
        while (write(report_fd, line, (size_t)(end - line)) < 0 && errno == EINTR)
        {
        }
    }
    /* Closing is what tells websockify the report is complete, even when getsockname failed. */
    close(report_fd);
}

static int bind_in_report_mode(bind_function next, int fd, const struct sockaddr* addr,
                               socklen_t addrlen, int family, int port)
{
    int unclaimed = 0;
    if (atomic_compare_exchange_strong(&reported_old, &unclaimed, port))
    {
        if (!report_fd_is_ours())
        {
            atomic_store(&reported_old, -1);
            return next(fd, addr, addrlen);
        }
        if (bind_loopback(next, fd, family, 0) != 0)
        {
            /* Give the report back: the program may well retry, and that bind is the one. */
            int bind_errno = errno;
            atomic_store(&reported_old, 0);
            errno = bind_errno;
            return -1;
        }
        int bind_errno = errno;
        report(fd, port);
        errno = bind_errno;
        return 0;
    }
    if (port != atomic_load(&reported_old))
    {
        return next(fd, addr, addrlen);
    }
    /* Q is still 0 while another thread is reporting: then any loopback port will do. */
    int picked_port = atomic_load(&reported_new);
    if (picked_port != 0)
    {
        int result = bind_loopback(next, fd, family, picked_port);
        if (result == 0 || errno != EADDRINUSE)
        {
            return result;
        }
    }
    return bind_loopback(next, fd, family, 0);
}

/* NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name): glibc's are reserved */
int bind(int fd, const struct sockaddr* addr, socklen_t addrlen)
{
    bind_function next = real_bind();
    if (next == NULL)
    {
        errno = ENOSYS;
        return -1;
    }
    int family = 0;
    int port = 0;
    if (!read_inet_address(addr, addrlen, &family, &port))
    {
        return next(fd, addr, addrlen);
    }
    if (old_port != 0)
    {
        return port == old_port ? bind_loopback(next, fd, family, new_port)
                                : next(fd, addr, addrlen);
    }
    if (report_fd >= 0 && port != 0 && is_stream_socket(fd))
    {
        return bind_in_report_mode(next, fd, addr, addrlen, family, port);
    }
    return next(fd, addr, addrlen);
}
