from __future__ import annotations

import os
import socket

from web.http.tcp import disable_nagle_on_listeners


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_listener_bound_like_streamlit_gets_nodelay_and_passes_it_on():
    # Streamlit binds this way (protocol 0), which asyncio's own TCP_NODELAY check skips.
    with socket.socket(socket.AF_INET) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert _nodelay(listener) == 0
        assert disable_nagle_on_listeners() >= 1
        assert _nodelay(listener) != 0
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert _nodelay(accepted) != 0
                # The listener still works as a listener: bytes flow on the accepted socket.
                client.sendall(b"ping")
                assert accepted.recv(4) == b"ping"


def test_connected_sockets_are_left_alone():
    with socket.socket(socket.AF_INET) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            disable_nagle_on_listeners()
            assert _nodelay(client) == 0


def test_no_descriptor_is_left_open():
    # A leaked copy of a pipe's write end keeps its reader waiting for EOF forever.
    read_end, write_end = os.pipe()
    try:
        before = set(os.listdir("/proc/self/fd"))
        disable_nagle_on_listeners()
        assert set(os.listdir("/proc/self/fd")) <= before
    finally:
        os.close(read_end)
        os.close(write_end)
