"""The calendar link page and the feed at its secret URL."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from deadlines.models import CalendarFeed
from deadlines.selectors import calendar_ics, calendar_user
from deadlines.services import calendar_feed_revoke, calendar_feed_rotate


def calendar_feed(request, token: str):
    user = calendar_user(token=token)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(calendar_ics(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_link(request):
    """Show whether the user has a feed; POST makes a new URL (shown once) or revokes it."""
    url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feed_revoke(user=request.user)
        else:
            url = calendar_feed_rotate(user=request.user)
    has_feed = CalendarFeed.objects.filter(user=request.user).exists()
    return render(request, "deadlines/calendar_link.html", {"url": url, "has_feed": has_feed})
