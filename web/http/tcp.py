"""Turn Nagle's algorithm off on the server's listening sockets.

Streamlit binds its socket as `socket.socket(family)` (protocol 0), and asyncio sets TCP_NODELAY
only on accepted sockets whose protocol is IPPROTO_TCP; so each response, written as head then
body, waits for the client's delayed ACK: 40 ms on every keep-alive request. Linux copies
TCP_NODELAY from a listening socket to the sockets it accepts: set it on the listener.
"""

from __future__ import annotations

import os
import socket


def _listening_tcp_sockets() -> list[socket.socket]:
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = os.dup(int(name))
        except OSError:  # closed since listed, e.g. the listing's own descriptor
            continue
        try:
            sock = socket.socket(fileno=fd)
        except OSError:  # not a socket: close our copy, or it would hold a pipe open forever
            os.close(fd)
            continue
        try:
            is_tcp = (
                sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
            )
            if is_tcp and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                found.append(sock)
                continue
        except OSError:
            pass
        sock.close()
    return found


def disable_nagle_on_listeners() -> int:
    """Set TCP_NODELAY on every listening TCP socket of this process; returns how many."""
    if not os.path.isdir("/proc/self/fd"):  # not Linux: nothing to do
        return 0
    listeners = _listening_tcp_sockets()
    for sock in listeners:
        with sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return len(listeners)
