"""The calendar link page, the feed at its secret URL, and a report's file."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from deadlines.models import CalendarFeed
from deadlines.selectors import calendar_ics, calendar_user, report_submission_readable
from deadlines.services import calendar_feed_revoke, calendar_feed_rotate
from documents.views import document_response

# The session key holding a new feed URL between the POST that made it and the page that shows it once.
NEW_FEED_URL = "deadlines.new_feed_url"


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
    """Show whether the user has a feed; POST makes a new URL or revokes it, then redirects here.

    Post/redirect/get: a refresh re-reads the page and never makes another address
    (which would end the one just copied). The new URL is kept in the session for
    the one page that shows it, built from the host the user asked (the request's).
    """
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar_feed_revoke(user=request.user)
            request.session.pop(NEW_FEED_URL, None)
        else:
            base_url = request.build_absolute_uri("/").rstrip("/")
            request.session[NEW_FEED_URL] = calendar_feed_rotate(user=request.user, base_url=base_url)
        return redirect("calendar-link")
    url = request.session.pop(NEW_FEED_URL, None)
    has_feed = CalendarFeed.objects.filter(user=request.user).exists()
    response = render(request, "deadlines/calendar_link.html", {"url": url if has_feed else None, "has_feed": has_feed})
    response["Cache-Control"] = "no-store"  # the page may hold the secret address
    return response


@require_GET
def report_file(request, pk: int):
    """A report version's file: staff any version, the donor it is owed to the approved one; a 404 for anyone else."""
    submission = report_submission_readable(user=request.user, pk=pk)
    if submission is None:
        raise Http404("No such report.")
    return document_response(request, submission.document)
