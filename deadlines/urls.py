from django.urls import path

from deadlines import views

# Included at calendar/; the names stay global ("calendar-link", "calendar-feed"), as before the app existed.
urlpatterns = [
    path("", views.calendar_link, name="calendar-link"),
    path("<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
