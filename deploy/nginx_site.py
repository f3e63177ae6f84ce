"""Write the nginx site for the platform's replicas from deploy/nginx-site.conf.

    python deploy/nginx_site.py --listen 80 --replica 10.0.0.11:8501 --replica 10.0.0.12:8501 \\
        --log-dir /var/log/nginx > /etc/nginx/sites-enabled/platform.conf

The tests (tests/deploy) render the same file with loopback ports and a temp log folder.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx-site.conf"
# A replica that fails MAX_FAILS times is left out FAIL_TIMEOUT_S; its browsers go to another.
MAX_FAILS, FAIL_TIMEOUT_S = 3, 10


def render(listen: str, replicas: list[str], log_dir: str) -> str:
    if not replicas:
        raise ValueError("at least one replica (host:port)")
    servers = "\n".join(f"    server {address} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT_S}s;"
                        for address in replicas)
    text = TEMPLATE.read_text()
    for placeholder, value in (("@REPLICAS@", servers), ("@LISTEN@", listen),
                               ("@LOG_DIR@", log_dir.rstrip("/"))):
        text = text.replace(placeholder, value)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="80", help="port or address:port (default 80)")
    parser.add_argument("--replica", action="append", required=True, help="host:port, repeatable")
    parser.add_argument("--log-dir", default="/var/log/nginx")
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.listen, args.replica, args.log_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
