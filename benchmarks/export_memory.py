"""Peak memory of one export in a fresh process; prints one JSON line.

Run by benchmarks/run.py with DATABASE_URL set: `export_memory.py PATH`. The worker's peak
(the `peak_rss_mb` of the HTTP scenarios) includes what earlier requests left resident; here
a new process sets Django up, GETs PATH through the test client as an anonymous caller, reads
the body chunk by chunk and drops it: `idle_mb` is its resident size before the request,
`peak_mb` its peak (VmHWM) after, so `peak_mb - idle_mb` is what the export itself needs.
"""
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402


def status_mb(name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise LookupError(name)


def main(path: str) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/api/v1/projects/?page_size=1")  # imports and connects: part of idle, not of the export
    idle = status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    started = time.monotonic()
    response = client.get(path)
    size = 0
    for block in (response.streaming_content if response.streaming else [response.content]):
        size += len(block)
    seconds = time.monotonic() - started
    assert response.status_code == 200, response.status_code
    return {"path": path, "idle_mb": idle, "peak_mb": status_mb("VmHWM"), "seconds": round(seconds, 2), "bytes": size}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
