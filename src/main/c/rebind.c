/*
 * librebind.so: moves a wrapped program's listening port out of websockify's way.
 *
 * Loaded with LD_PRELOAD into the program that websockify wraps. It replaces bind(): a TCP bind of an IPv4 or
 * IPv6 address whose port equals REBIND_OLD_PORT is turned into a bind of the loopback address on
 * REBIND_NEW_PORT, so that websockify can listen on the old port itself and reach the program on loopback.
 * Every other bind() goes unchanged to the next definition of bind (the C library's).
 *
 * Which loopback address:
 *   - AF_INET                                   -> 127.0.0.1
 *   - AF_INET6, dual-stack socket (IPV6_V6ONLY
 *     off) bound to :: or to a v4-mapped address -> ::ffff:127.0.0.1
 *   - any other AF_INET6 bind                   -> ::1
 * websockify connects to 127.0.0.1. A dual-stack socket bound to :: accepts IPv4 as well as IPv6; moved to ::1
 * it would accept IPv6 only and websockify could not reach it (Java servers and many others listen like that).
 * Bound to the v4-mapped loopback it keeps accepting IPv4 from 127.0.0.1. A socket with IPV6_V6ONLY on never
 * accepted IPv4, so ::1 is its loopback; such programs usually bind 0.0.0.0 as well, which gives 127.0.0.1.
 *
 * Datagram and other non-stream sockets pass through: a UDP port of the same number does not collide with
 * websockify's TCP listener.
 *
 * Both variables must hold a decimal port from 1 to 65535; otherwise nothing is moved. The environment is read
 * on every call, so a program that changes it (or a child that inherits it) behaves consistently.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

/*
 * Link dlsym to its oldest symbol version, so a library built on a new glibc (where dlsym moved into libc as
 * GLIBC_2.34) still loads on older systems (glibc keeps the old version for compatibility).
 */
#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#elif defined(__GLIBC__) && defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17");
#endif

typedef int (*bind_function)(int, const struct sockaddr *, socklen_t);

static bind_function next_bind(void)
{
    /* dlsym may run on several threads at once the first time; each finds the same pointer. */
    static bind_function cached;
    bind_function f = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (f == NULL) {
        f = (bind_function) dlsym(RTLD_NEXT, "bind");
        __atomic_store_n(&cached, f, __ATOMIC_RELEASE);
    }
    return f;
}

/* The port in environment variable name, or 0 when it is unset or not a decimal from 1 to 65535. */
static unsigned short port_from_env(const char *name)
{
    const char *text = getenv(name);
    unsigned long value = 0;
    if (text == NULL || *text == '\0') {
        return 0;
    }
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }
        value = value * 10 + (unsigned long) (*p - '0');
        if (value > 65535) {
            return 0;
        }
    }
    return (unsigned short) value;
}

static int is_stream_socket(int fd)
{
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
        return 0;
    }
    return type == SOCK_STREAM;
}

/* True when an AF_INET6 socket would also accept IPv4 at addr (dual-stack wildcard or v4-mapped address). */
static int takes_ipv4(int fd, const struct in6_addr *addr)
{
    int v6only = 0;
    socklen_t len = sizeof v6only;
    if (IN6_IS_ADDR_V4MAPPED(addr)) {
        return 1;
    }
    if (!IN6_IS_ADDR_UNSPECIFIED(addr)) {
        return 0;
    }
    if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) != 0) {
        return 0;
    }
    return v6only == 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    bind_function real = next_bind();
    unsigned short old_port;
    unsigned short new_port;

    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    if (addr == NULL) {
        return real(fd, addr, addrlen);
    }
    old_port = port_from_env("REBIND_OLD_PORT");
    new_port = port_from_env("REBIND_NEW_PORT");
    if (old_port == 0 || new_port == 0) {
        return real(fd, addr, addrlen);
    }

    if (addr->sa_family == AF_INET && addrlen >= (socklen_t) sizeof(struct sockaddr_in)) {
        struct sockaddr_in in4;
        memcpy(&in4, addr, sizeof in4);
        if (ntohs(in4.sin_port) != old_port || !is_stream_socket(fd)) {
            return real(fd, addr, addrlen);
        }
        in4.sin_port = htons(new_port);
        in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return real(fd, (const struct sockaddr *) &in4, sizeof in4);
    }

    if (addr->sa_family == AF_INET6 && addrlen >= (socklen_t) sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 in6;
        memcpy(&in6, addr, sizeof in6);
        if (ntohs(in6.sin6_port) != old_port || !is_stream_socket(fd)) {
            return real(fd, addr, addrlen);
        }
        if (takes_ipv4(fd, &in6.sin6_addr)) {
            /* ::ffff:127.0.0.1 */
            memset(&in6.sin6_addr, 0, sizeof in6.sin6_addr);
            in6.sin6_addr.s6_addr[10] = 0xff;
            in6.sin6_addr.s6_addr[11] = 0xff;
            in6.sin6_addr.s6_addr[12] = 127;
            in6.sin6_addr.s6_addr[15] = 1;
        } else {
            in6.sin6_addr = in6addr_loopback;
        }
        in6.sin6_port = htons(new_port);
        in6.sin6_flowinfo = 0;
        in6.sin6_scope_id = 0;
        return real(fd, (const struct sockaddr *) &in6, sizeof in6);
    }

    return real(fd, addr, addrlen);
}
