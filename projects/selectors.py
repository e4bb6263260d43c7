from django.db.models import Count, QuerySet, Sum

from projects.models import Funding


def funding_totals(fundings: QuerySet[Funding]) -> list[dict]:
    """Sum amounts per currency in the database; different currencies are never added together."""
    return list(
        fundings.exclude(amount__isnull=True)
        .values("currency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("currency")
    )
