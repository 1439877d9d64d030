# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entry point: ``python -m tests.emulator.server --port PORT [--host 127.0.0.1]``, from the repository root.

Serves moto plus the emulator's own parts on a multithreaded werkzeug server, prints one line
``emulator ready http://HOST:PORT`` once it accepts connections (``--port 0`` picks a free port), and exits
with status 0 on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from werkzeug.serving import make_server

from .app import EmulatorApp


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Local AWS emulator: moto plus correct Lambda event invoke configs.")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on; 0 picks a free one")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def stop_on_signals(server) -> None:
    """SIGTERM/SIGINT end serve_forever() through server.shutdown(), called from another thread.

    Raising from the handler instead would be swallowed by socketserver's ``except Exception`` whenever the signal
    lands while the main thread is handing a request to its worker thread.
    """

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    server = make_server(args.host, args.port, EmulatorApp(), threaded=True)
    stop_on_signals(server)
    host, port = server.server_address[:2]
    # moto reads this when it builds URLs that point back to itself.
    os.environ.setdefault("MOTO_PORT", str(port))
    print(f"emulator ready http://{host}:{port}", flush=True)
    # Nothing else goes to stdout: a parent that stops reading after the ready line must never block us.
    sys.stdout = sys.stderr
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
