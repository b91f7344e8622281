/* bind_probe: performs the binds its arguments describe and prints where each socket really
 * ended up, so that tests can run it under LD_PRELOAD=rebind.so.
 *
 *   bind_probe OP ARG ARG [OP ARG ARG]...
 *
 * OP is tcp4, tcp6, udp4 or udp6 with ADDRESS PORT; unix with PATH -; null with - -, a bind of
 * an AF_INET TCP socket to a NULL address; short4 with ADDRESS PORT, an AF_INET bind one byte
 * short; fd with N -, which prints "open" or "closed" for descriptor N; repipe with N -, which
 * makes N the write end of a new pipe (a program reusing a descriptor number); unread with - -,
 * which prints "unread K", the bytes written to that pipe so far. Each bind prints one line:
 *
 *   ok 127.0.0.1:8080 | ok [::1]:8080 | ok unix:/path | error ERRNO MESSAGE
 *
 * followed by " modified" if bind() wrote to the caller's address. Sockets stay open until
 * exit, so later binds can collide with earlier ones. Exits 2 on a usage error. */
#define _POSIX_C_SOURCE 200809L /* NOLINT(bugprone-reserved-identifier): a feature macro */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void print_local_address(int fd)
{
    struct sockaddr_storage local;
    socklen_t length = sizeof local;
    if (getsockname(fd, (struct sockaddr*)&local, &length) != 0)
    {
        printf("error %d getsockname: %s", errno, strerror(errno));
        return;
    }
    char text[INET6_ADDRSTRLEN] = "";
    if (local.ss_family == AF_INET)
    {
        const struct sockaddr_in* in = (const struct sockaddr_in*)&local;
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        printf("ok %s:%u", text, (unsigned)ntohs(in->sin_port));
    }
    else if (local.ss_family == AF_INET6)
    {
        const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)&local;
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        printf("ok [%s]:%u", text, (unsigned)ntohs(in6->sin6_port));
    }
    else if (local.ss_family == AF_UNIX)
    {
        printf("ok unix:%s", ((const struct sockaddr_un*)&local)->sun_path);
    }
    else
    {
        printf("ok family %d", local.ss_family);
    }
}

/* Fills address for op, host and port; returns its length, or 0 for a malformed argument. */
static socklen_t make_address(const char* op, const char* host, const char* port_text,
                              struct sockaddr_storage* address, int* family)
{
    if (strcmp(op, "unix") == 0)
    {
        struct sockaddr_un* un = (struct sockaddr_un*)address;
        *family = un->sun_family = AF_UNIX;
        /* NOLINTNEXTLINE(clang-analyzer-security.insecure*): C11 Annex K is not in glibc */
        int length = snprintf(un->sun_path, sizeof un->sun_path, "%s", host);
        return length > 0 && (size_t)length < sizeof un->sun_path ? sizeof *un : 0;
    }
    char* end = NULL;
    long port = strtol(port_text, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535)
    {
        return 0;
    }
    if (strcmp(op, "tcp4") == 0 || strcmp(op, "udp4") == 0 || strcmp(op, "short4") == 0)
    {
        struct sockaddr_in* in = (struct sockaddr_in*)address;
        *family = in->sin_family = AF_INET;
        in->sin_port = htons((in_port_t)port);
        if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
        {
            return 0;
        }
        return strcmp(op, "short4") == 0 ? sizeof *in - 1 : sizeof *in;
    }
    if (strcmp(op, "tcp6") == 0 || strcmp(op, "udp6") == 0)
    {
        struct sockaddr_in6* in6 = (struct sockaddr_in6*)address;
        *family = in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((in_port_t)port);
        if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
        {
            return 0;
        }
        return sizeof *in6;
    }
    return 0;
}

/* Performs one bind and prints its line; returns 0 for a malformed argument. */
static int probe_bind(const char* op, const char* host, const char* port)
{
    struct sockaddr_storage address = {0};
    int family = AF_INET;
    socklen_t length = sizeof(struct sockaddr_in);
    const struct sockaddr* argument = NULL;
    if (strcmp(op, "null") != 0)
    {
        length = make_address(op, host, port, &address, &family);
        if (length == 0)
        {
            return 0;
        }
        argument = (const struct sockaddr*)&address;
    }
    const struct sockaddr_storage before = address;
    int fd = socket(family, strncmp(op, "udp", 3) == 0 ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (fd < 0)
    {
        printf("error %d socket: %s\n", errno, strerror(errno));
        return 1;
    }
    if (bind(fd, argument, length) == 0)
    {
        print_local_address(fd);
    }
    else
    {
        printf("error %d %s", errno, strerror(errno));
    }
    printf(memcmp(&before, &address, sizeof address) == 0 ? "\n" : " modified\n");
    return 1;
}

/* The read end of the pipe made by repipe, or -1. */
static int repiped_read_end = -1;

static void repipe(int fd)
{
    int ends[2];
    if (pipe(ends) != 0 || dup2(ends[1], fd) < 0)
    {
        printf("error %d pipe: %s\n", errno, strerror(errno));
        return;
    }
    close(ends[1]);
    fcntl(ends[0], F_SETFL, O_NONBLOCK);
    repiped_read_end = ends[0];
    printf("repiped\n");
}

static void print_unread(void)
{
    char buffer[256];
    ssize_t count = repiped_read_end < 0 ? 0 : read(repiped_read_end, buffer, sizeof buffer);
    printf("unread %ld\n", (long)(count < 0 ? 0 : count));
}

int main(int argc, char** argv)
{
    if (argc < 4 || (argc - 1) % 3 != 0)
    {
        fprintf(stderr, "usage: bind_probe OP ARG ARG [OP ARG ARG]...\n");
        return 2;
    }
    for (int i = 1; i < argc; i += 3)
    {
        const char* op = argv[i];
        if (strcmp(op, "fd") == 0)
        {
            printf("%s\n", fcntl(atoi(argv[i + 1]), F_GETFD) == -1 ? "closed" : "open");
        }
        else if (strcmp(op, "repipe") == 0)
        {
            repipe(atoi(argv[i + 1]));
        }
        else if (strcmp(op, "unread") == 0)
        {
            print_unread();
        }
        else if (!probe_bind(op, argv[i + 1], argv[i + 2]))
        {
            fprintf(stderr, "bind_probe: bad arguments %s %s %s\n", op, argv[i + 1], argv[i + 2]);
            return 2;
        }
    }
    return 0;
}
