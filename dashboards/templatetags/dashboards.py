from django import template

from dashboards import names

register = template.Library()


@register.simple_tag
def sort_query(query, ordering, field):
    """The query string that sorts by `field`, reversing it when it is the current order."""
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    params["ordering"] = f"-{field}" if ordering == field else field
    return params.urlencode()


@register.simple_tag
def page_query(query, number):
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    params["page"] = number
    return params.urlencode()


@register.filter
def country_name(country):
    """{{ country|country_name }}: the name in the viewer's language (pycountry's ISO 3166 translations)."""
    return names.country_name(country)


@register.filter
def region_name(region):
    """{{ project.region|region_name }}: the region in the viewer's language; no region is "Global"."""
    return names.region_name(region)


@register.filter
def corridor_name(corridor):
    return names.corridor_name(corridor)
