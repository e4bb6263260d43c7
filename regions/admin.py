from django.contrib import admin

from regions.models import Corridor, Country, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "iati_code"]
    search_fields = ["name", "code"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]


@admin.register(Corridor)
class CorridorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "origin", "destination"]
    list_select_related = ["origin", "destination"]
    search_fields = ["origin__name", "origin__code", "destination__name", "destination__code"]
    autocomplete_fields = ["origin", "destination"]
