from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _officers_keep_their_permissions(sender, using="default", **kwargs):
    """After each migrate, the programme officers' group holds the permissions of every model of the
    officer apps, the models a release adds included (projects.services.officers_group_ensure).

    Runs once, after the last app's permissions exist, and only where the group is in use.
    """
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from django.contrib.auth.models import Group

    from projects.services import OFFICERS_GROUP, officers_group_ensure

    if Group.objects.using(using).filter(name=OFFICERS_GROUP).exists():
        officers_group_ensure()


class PortfolioConfig(AppConfig):
    """The project itself: registers the system checks of its settings (portfolio.checks)."""

    name = "portfolio"
    verbose_name = "Portfolio"

    def ready(self):
        from portfolio import checks  # noqa: F401  (registers the checks)

        post_migrate.connect(_officers_keep_their_permissions, dispatch_uid="officers-keep-their-permissions")
