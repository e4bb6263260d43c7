from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Portfolio administration"
admin.site.site_title = "Portfolio"
admin.site.index_title = "Technical-cooperation portfolio"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
