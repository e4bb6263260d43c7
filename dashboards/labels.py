"""Translated labels for the codelists the models define in English."""
from django.utils.translation import gettext_lazy as _

from projects.models import ActivityStatus, DeadlineKind, DeadlineState

STATUS_LABELS = {
    ActivityStatus.PIPELINE: _("Pipeline/identification"),
    ActivityStatus.IMPLEMENTATION: _("Implementation"),
    ActivityStatus.FINALISATION: _("Finalisation"),
    ActivityStatus.CLOSED: _("Closed"),
    ActivityStatus.CANCELLED: _("Cancelled"),
    ActivityStatus.SUSPENDED: _("Suspended"),
}

DEADLINE_KIND_LABELS = {
    DeadlineKind.PROGRESS_REPORT: _("Progress report"),
    DeadlineKind.FINANCIAL_REPORT: _("Financial report"),
    DeadlineKind.FINAL_REPORT: _("Final report"),
    DeadlineKind.MIDTERM_EVALUATION: _("Mid-term evaluation"),
    DeadlineKind.PROJECT_START: _("Project start"),
    DeadlineKind.PROJECT_END: _("Project end"),
    DeadlineKind.OTHER: _("Other"),
}

DEADLINE_STATE_LABELS = {
    DeadlineState.OPEN: _("Open"),
    DeadlineState.DONE: _("Done"),
    DeadlineState.WAIVED: _("Waived"),
}

ROLE_LABELS = {
    1: _("Funding"),
    2: _("Accountable"),
    3: _("Extending"),
    4: _("Implementing"),
}

SCOPE_LABELS = {
    "national": _("National"),
    "multi-country": _("Multi-country"),
    "regional": _("Regional"),
    "global": _("Global"),
}


def status_label(code) -> str:
    return str(STATUS_LABELS.get(code, code))
