from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _triggers_ensure(sender, using, **kwargs):
    """Re-create the facts' triggers after every migrate: SQLite drops them when a migration rebuilds a table."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from dashboards.triggers import triggers_ensure

    connection = connections[using]
    if MigrationRecorder(connection).migration_qs.filter(app="dashboards", name="0002_dirty_triggers").exists():
        triggers_ensure(connection)


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        post_migrate.connect(_triggers_ensure, sender=self, dispatch_uid="dashboards_triggers_ensure")
