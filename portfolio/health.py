"""/healthz: is this process fit to serve? For the compose file and load balancers.

It also says when the scheduler last ran the reminder scan (informative: never a 503).

Answers JSON naming each check, 200 when all pass and 503 otherwise. It reads
no portfolio data and needs no log-in; failures name the exception class only,
so nothing about the deployment leaks.
"""
import datetime
import os
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BROKER_TIMEOUT = 2  # seconds; a load balancer's probe gives up soon after


def check_database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "kind": "in-process"}
    if urlsplit(settings.CELERY_BROKER_URL).scheme == "filesystem":
        # The embedded default's broker: its folders under PORTFOLIO_VAR_DIR must be writable.
        folders = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        writable = all(os.access(folders[key], os.W_OK) for key in ("data_folder_in", "data_folder_out"))
        return {"ok": writable, "kind": "filesystem"}
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "kind": "redis"}


def check_migrations() -> dict:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return {"ok": False, "unapplied": len(unapplied)}
    return {"ok": True}


def check_scheduler() -> dict:
    """When the scheduled reminder scan last ran; informative, never a failure.

    A fresh deployment has not run it yet, and a late scheduler is no reason to take
    a web process out of the load balancer: monitoring reads `late` instead.
    """
    from deadlines.selectors import reminder_scan_last

    scan = reminder_scan_last()
    if scan is None:
        return {"ok": True, "last_run": None, "late": False}
    every = datetime.timedelta(seconds=settings.REMINDER_SCAN_INTERVAL or 24 * 3600)
    late = timezone.now() - scan.finished_at > 2 * every
    return {"ok": True, "last_run": scan.finished_at.isoformat(), "late": late}


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "migrations": check_migrations,
    "scheduler": check_scheduler,
}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a probe reports every failure instead of raising
            results[name] = {"ok": False, "error": type(exc).__name__}
    return results


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
