"""Servers that tests run in a thread of their own (the live app, the push service, SMTP)."""

from __future__ import annotations

import socketserver
import threading

# shutdown() returns only when the serving loop next wakes up: at socketserver's default of half a
# second, that was half a second at the end of every test with a server.
POLL_SECONDS = 0.01


def serve_in_background(server: socketserver.BaseServer) -> threading.Thread:
    """Start serving ``server`` in a daemon thread; stop it with ``server.shutdown()``."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
    thread.start()
    return thread
