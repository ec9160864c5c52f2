"""The container's health check: GET /healthz on the health port; exit 0 when it answers 200.

Standard library only, so it runs in the image with nothing else installed."""

import os
import sys
import urllib.request

port = os.environ.get("RETROWALK_HEALTH_PORT") or "9464"
path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError as error:
    print(f"{path}: {error}", file=sys.stderr)
    sys.exit(1)
