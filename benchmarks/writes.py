"""/__benchmark__/write/: one real write before a measured request (the dashboard "after a write" scenarios).

Each call adds an expenditure to a published project (validated as the admin's form would:
full_clean), so the next dashboard or stats/ request must first refresh that project's facts.
"""
import datetime
import itertools
from decimal import Decimal

from django.http import JsonResponse

from finance.models import Transaction, TransactionType
from projects.models import Project

_counter = itertools.count()


def write(request):
    projects = Project.objects.filter(is_published=True).order_by("pk").values_list("pk", flat=True)
    n = next(_counter)
    project_id = projects[n * 7919 % max(projects.count(), 1)]
    day = datetime.date(2024, 1, 3)
    transaction = Transaction(
        project_id=project_id, transaction_type=TransactionType.EXPENDITURE, date=day, value=Decimal(100 + n),
        currency="USD", value_date=day, description="benchmark write",
    )
    transaction.full_clean()
    transaction.save()
    return JsonResponse({"project": project_id, "transaction": transaction.pk})
