"""The iCalendar feed of a person's deadlines, at a secret URL that can be revoked.

Only a SHA-256 hash of the token is stored: the URL is shown once, when it is made,
and making a new one (or revoking) stops the old one at once.
"""
import datetime
import secrets
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from icalendar import Calendar, Event

from integrations.models import token_digest
from projects.models import CalendarFeed, Deadline
from projects.reminders import deadline_admin_url
from projects.selectors import project_visible


@transaction.atomic
def calendar_feed_rotate(*, user) -> str:
    """Give the user a new secret feed URL, revoking any earlier one; return the URL."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": token_digest(token)})
    return settings.SITE_URL + reverse("calendar-feed", args=[token])


def calendar_feed_revoke(*, user) -> bool:
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_user(token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_digest(token)).first()
    return feed.user if feed is not None and feed.user.is_active else None


def calendar_ics(*, user) -> bytes:
    """The user's deadlines (Deadline.objects.for_user, on projects they may see) as all-day VEVENTs."""
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Portfolio//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Portfolio deadlines")
    stamp = datetime.datetime.now(datetime.UTC)
    # Only deadlines of projects the user may see: a donor user's feed never lists an unpublished project.
    visible = project_visible(user=user).order_by().values("pk")
    deadlines = (
        Deadline.objects.for_user(user).filter(project__in=visible).select_related("project").order_by("due_on", "pk")
    )
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + datetime.timedelta(days=1))
        event.add("summary", f"{deadline.label}: {deadline.project}")
        event.add("status", "CONFIRMED" if deadline.is_open else "CANCELLED")
        event.add("transp", "TRANSPARENT")
        if user.is_staff:
            event.add("url", deadline_admin_url(deadline.pk))
        event.add("description", f"{deadline.get_kind_display()} of {deadline.project.title} ({deadline.get_state_display()}).")
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_feed(request, token: str):
    user = calendar_user(token)
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
    return render(request, "reminders/calendar_link.html", {"url": url, "has_feed": has_feed})
