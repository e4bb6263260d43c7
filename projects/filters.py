"""The project filters, shared by the REST API and the HTML dashboards.

Use them through `projects.selectors.project_list()`, which scopes visibility
first, so a filter means the same thing on every page and endpoint.

Conventions:
- Multi-valued filters (`region`, `country`, `donor`, `partner`, `corridor`, `sector`, `policy_marker`,
  `origin`, `destination`, `status`) take several values, repeated
  (`?country=NP&country=AE`) or comma-separated (`?country=NP,AE`); a project
  matches if it matches any of them. Different filters are combined with AND.
- Values that are well formed but name nothing (`?donor=XYZ`) match nothing;
  malformed values (`?country=Nepal`, `?active_on=yesterday`) are errors that
  name the parameter and what it accepts.
- To-many filters are EXISTS subqueries, so a project never appears twice and
  no DISTINCT is needed.
- Dates are the effective ones: actual where known, planned otherwise.
"""
import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from classifications.filters import POLICY_MARKER_RE, SECTOR_CODE_RE, policy_marker_match, sector_match
from projects.models import ActivityStatus, Funding, Objective, Project, ProjectPartner, running_in_year
from results.selectors import has_results

COUNTRY_RE = re.compile(r"[A-Za-z]{2}")
CORRIDOR_RE = re.compile(r"([A-Za-z]{2})-([A-Za-z]{2})")
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YEAR_RE = re.compile(r"[0-9]{4}")
GLOBAL = "global"
MAX_VALUES = 200
MAX_LENGTH = 400  # of a parameter's value, and of each item in a list
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_WORDS = 8
YEAR_MIN, YEAR_MAX = 1900, 2100

ORDERING_FIELDS = {
    # public name: (queryset expression, description)
    "title": "title",
    "short_name": "short_name",
    "start": "effective_start",
    "end": "effective_end",
    "planned_start": "planned_start",
    "planned_end": "planned_end",
    "status": "status_code",
    "id": "id",
}
DEFAULT_ORDERING = ("planned_start", "id")


class ListWidget(forms.TextInput):
    """Read a parameter given several times and/or as a comma-separated list."""

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        too_long = [str(item) for item in raw if item is not None and len(str(item)) > MAX_LENGTH]
        if too_long:
            return too_long[:1]  # ListField refuses it, as the schema's maxLength says
        values = []
        for item in raw:
            if item is None:
                continue
            values.extend(part.strip() for part in str(item).split(","))
        values = [v for v in values if v]
        return values or None


class ListField(forms.Field):
    """A list of values, each checked by `pattern`; `hint` says what is allowed."""

    widget = ListWidget

    def __init__(self, *, pattern=None, hint="", normalise=str, **kwargs):
        self.pattern, self.hint, self.normalise = pattern, hint, normalise
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            value = [value]
        if len(value) > MAX_VALUES:
            raise ValidationError(f"Give at most {MAX_VALUES} values.", code="too_many")
        cleaned = []
        for item in value:
            if "\x00" in item or len(item) > MAX_LENGTH or (self.pattern and not self.pattern.fullmatch(item)):
                shown = item[:40].replace("\x00", "\\0")
                raise ValidationError(f"{shown!r} is not allowed; {self.hint}", code="invalid")
            cleaned.append(self.normalise(item))
        return cleaned


class ListFilter(django_filters.Filter):
    field_class = ListField

    def filter(self, qs, value):  # the FilterSet's methods do the work
        return qs


def _list_schema(pattern, description):
    """OpenAPI for a comma-separated list whose items match `pattern` (None: any text without NUL)."""
    item = pattern.pattern if pattern is not None else r"[^,\x00]*"
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_LENGTH,
        "pattern": rf"^\s*({item})?\s*(,\s*({item})?\s*)*$",
        "description": description,
    }


def _list_filter(method, *, pattern, hint, normalise=str, label=""):
    return extend_schema_field(_list_schema(pattern, f"{label} {hint}".strip()))(
        ListFilter(method=method, pattern=pattern, hint=hint, normalise=normalise, label=label)
    )


class StrictDateField(forms.DateField):
    """YYYY-MM-DD exactly: strptime alone would take 2015-1-1 and other digits than ASCII ones."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Give a date as YYYY-MM-DD, e.g. 2015-06-30.")}

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not DATE_RE.fullmatch(value.strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField


class YearField(forms.IntegerField):
    """Four ASCII digits: IntegerField alone would take 2015.0 and full-width digits."""

    default_error_messages = {
        "invalid": format_lazy(_("Give a year as four digits, between {first} and {last}."), first=YEAR_MIN, last=YEAR_MAX)
    }

    def __init__(self, **kwargs):
        kwargs.update(min_value=YEAR_MIN, max_value=YEAR_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not YEAR_RE.fullmatch(value.strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class SearchField(forms.CharField):
    """Search text as the words to look for: repeated words, and words another word contains, are dropped."""

    def to_python(self, value):
        text = super().to_python(value)
        if "\x00" in text:
            raise ValidationError("Give text without NUL characters.", code="invalid")
        words = list(dict.fromkeys(word.lower() for word in text.split()))
        # A project containing "migration" contains "migra": only the longer word needs a search.
        words = [w for w in words if not any(w != other and w in other for other in words)]
        if len(words) > MAX_SEARCH_WORDS:
            raise ValidationError(
                _("Give at most %(count)d different words."), code="too_many", params={"count": MAX_SEARCH_WORDS}
            )
        return " ".join(words)


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class OrderingField(ListField):
    def __init__(self, **kwargs):
        names = ", ".join(ORDERING_FIELDS)
        super().__init__(
            pattern=re.compile(r"-?(%s)" % "|".join(ORDERING_FIELDS)),
            hint=f"order by one or more of {names}, comma-separated; prefix '-' to reverse.",
            **kwargs,
        )


class OrderingFilter(ListFilter):
    field_class = OrderingField


def _status_codes(value: str) -> int:
    return int(value)


class ProjectFilterForm(forms.Form):
    """Checks across filters: a year range that ends before it starts is an error, not an empty result."""

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first is not None and last is not None and last < first:
            self.add_error("year_to", ValidationError(
                _("The range ends before it starts: %(last)d is before %(first)d."), code="reversed",
                params={"last": int(last), "first": int(first)},
            ))
        return cleaned


class ProjectFilterSet(django_filters.FilterSet):
    """Filter a Project queryset; expects `Project.objects.with_status()` (the selector gives it)."""

    region = _list_filter(
        "filter_region", pattern=SLUG_RE, normalise=str.lower, label="Region code (e.g. arab-states).",
        hint="give region codes such as africa, americas, arab-states, asia-pacific, europe-central-asia, or global.",
    )
    country = _list_filter(
        "filter_country", pattern=COUNTRY_RE, normalise=str.upper, label="Country where the project works.",
        hint="give ISO 3166-1 alpha-2 country codes such as NP or NP,AE.",
    )
    donor = _list_filter(
        "filter_donor", pattern=None, label="Funding donor.",
        hint="give donor ids or acronyms such as SDC.",
    )
    partner = _list_filter(
        "filter_partner", pattern=None, label="Partner organisation, in any role.",
        hint="give partner ids, acronyms or names such as IOM.",
    )
    corridor = _list_filter(
        "filter_corridor", pattern=CORRIDOR_RE, normalise=str.upper, label="Migration corridor.",
        hint="give corridors as ORIGIN-DESTINATION alpha-2 codes such as NP-AE.",
    )
    origin = _list_filter(
        "filter_origin", pattern=COUNTRY_RE, normalise=str.upper, label="Origin country of a corridor.",
        hint="give ISO 3166-1 alpha-2 country codes such as NP.",
    )
    destination = _list_filter(
        "filter_destination", pattern=COUNTRY_RE, normalise=str.upper, label="Destination country of a corridor.",
        hint="give ISO 3166-1 alpha-2 country codes such as AE.",
    )
    status = _list_filter(
        "filter_status", pattern=re.compile(r"[1-6]"), normalise=_status_codes, label="IATI activity status.",
        hint="give IATI ActivityStatus codes: "
        + ", ".join(f"{s.value} {s.label}" for s in ActivityStatus) + ".",
    )
    sector = _list_filter(
        "filter_sector", pattern=SECTOR_CODE_RE, normalise=str.lower, label="IATI sector.",
        hint="give DAC 5-digit codes such as 15190, 3-digit ones such as 151 (with the codes under them), "
        "SDG goals such as 8 or targets such as 8.8.",
    )
    policy_marker = _list_filter(
        "filter_policy_marker", pattern=POLICY_MARKER_RE, label="DAC policy marker the project targets.",
        hint="give IATI PolicyMarker codes such as 1 (gender equality); significance 0 (not targeted) does not match.",
    )
    active_on = StrictDateFilter(method="filter_active_on", label="Running on this day (YYYY-MM-DD).")
    year = extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})(
        YearFilter(method="filter_year", label="Running at some point in this year.")
    )
    year_from = extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})(
        YearFilter(method="filter_year_from", label="Running in this year or later (ends on or after 1 January).")
    )
    year_to = extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})(
        YearFilter(method="filter_year_to", label="Running in this year or earlier (starts on or before 31 December).")
    )
    starts_after = StrictDateFilter(field_name="effective_start", lookup_expr="gte", label="Starts on or after.")
    starts_before = StrictDateFilter(field_name="effective_start", lookup_expr="lte", label="Starts on or before.")
    ends_after = StrictDateFilter(field_name="effective_end", lookup_expr="gte", label="Ends on or after.")
    ends_before = StrictDateFilter(field_name="effective_end", lookup_expr="lte", label="Ends on or before.")
    search = extend_schema_field(
        {"type": "string", "minLength": 1, "maxLength": MAX_SEARCH_LENGTH, "pattern": r"^[^\x00]*$"}
    )(
        SearchFilter(
            method="filter_search", max_length=MAX_SEARCH_LENGTH,
            label=f"Words (at most {MAX_SEARCH_WORDS}) that must all appear in the title, short name, summary "
            "or objectives.",
        )
    )
    has_results = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_has_results",
        label="With (true) or without (false) a results framework.",
    )
    ordering = extend_schema_field(
        _list_schema(
            re.compile(r"-?(%s)" % "|".join(ORDERING_FIELDS)),
            "Sort keys, comma-separated, '-' to reverse: " + ", ".join(ORDERING_FIELDS) + "; id breaks ties.",
        )
    )(OrderingFilter(method="filter_ordering", label="Ordering."))

    class Meta:
        model = Project
        fields = []
        form = ProjectFilterForm

    def __init__(self, data=None, queryset=None, *, known_params=None, **kwargs):
        if queryset is None:
            queryset = Project.objects.with_status()
        super().__init__(data=data, queryset=queryset, **kwargs)
        self.unknown_params = []
        if known_params is not None and data is not None:
            allowed = set(self.filters) | set(known_params)
            self.unknown_params = sorted(key for key in data.keys() if key not in allowed)
        self.known_params = sorted(set(self.filters) | set(known_params or ()))
        # A parameter that takes one value is refused when given twice, rather than read from its last copy.
        self.repeated_params = sorted(
            name for name, f in self.filters.items()
            if not isinstance(f, ListFilter) and hasattr(data, "getlist") and len(data.getlist(name)) > 1
        )

    def is_valid(self):
        return super().is_valid() and not self.unknown_params and not self.repeated_params

    @property
    def errors(self):
        """{parameter: [messages]}; unknown parameters are named with what is allowed."""
        errors = {name: list(messages) for name, messages in self.form.errors.items()}
        for name in self.unknown_params:
            errors[name[:100]] = [f"Unknown parameter. Allowed parameters: {', '.join(self.known_params)}."]
        for name in self.repeated_params:
            errors.setdefault(name, []).append("Give this parameter once; it takes a single value.")
        return errors

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            qs = super().qs
            if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("ordering")):
                qs = qs.order_by(*DEFAULT_ORDERING)
            self._qs = qs
        return self._qs

    # To-many filters: EXISTS over the link table.

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q(region__code__in=value)
        if GLOBAL in value:
            condition |= Q(region__isnull=True)
        return queryset.filter(condition)

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        through = Project.countries.through
        return queryset.filter(Exists(through.objects.filter(project_id=OuterRef("pk"), country__code__in=value)))

    def filter_donor(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Funding.objects.filter(_id_or_names(value, "donor", ("acronym",)), project_id=OuterRef("pk"))))

    def filter_partner(self, queryset, name, value):
        if not value:
            return queryset
        match = _id_or_names(value, "partner", ("acronym", "name"))
        return queryset.filter(Exists(ProjectPartner.objects.filter(match, project_id=OuterRef("pk"))))

    def _corridor_exists(self, queryset, condition):
        through = Project.corridors.through
        return queryset.filter(Exists(through.objects.filter(condition, project_id=OuterRef("pk"))))

    def filter_corridor(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for code in value:
            origin, destination = code.split("-")
            condition |= Q(corridor__origin__code=origin, corridor__destination__code=destination)
        return self._corridor_exists(queryset, condition)

    def filter_origin(self, queryset, name, value):
        return self._corridor_exists(queryset, Q(corridor__origin__code__in=value)) if value else queryset

    def filter_destination(self, queryset, name, value):
        return self._corridor_exists(queryset, Q(corridor__destination__code__in=value)) if value else queryset

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        if "status_code" not in queryset.query.annotations:
            queryset = queryset.with_status()
        return queryset.filter(status_code__in=value)

    def filter_sector(self, queryset, name, value):
        return queryset.filter(sector_match(value)) if value else queryset

    def filter_policy_marker(self, queryset, name, value):
        return queryset.filter(policy_marker_match(value)) if value else queryset

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value) if value else queryset

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(running_in_year(int(value)))

    def filter_year_from(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(effective_end__gte=datetime.date(int(value), 1, 1))

    def filter_year_to(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(effective_start__lte=datetime.date(int(value), 12, 31))

    def filter_search(self, queryset, name, value):
        # Each word: the ids of projects whose own text matches UNION those with a matching objective.
        # Every arm is one `icontains` on one table, so on PostgreSQL each can use its trigram index
        # (migration 0005); an OR with a correlated EXISTS made the planner scan every project.
        for word in value.split():
            own = Project.objects.filter(
                Q(title__icontains=word) | Q(short_name__icontains=word) | Q(summary__icontains=word)
            ).order_by().values("pk")
            objectives = Objective.objects.filter(text__icontains=word).order_by().values("project_id")
            queryset = queryset.filter(pk__in=own.union(objectives, all=True))
        return queryset

    def filter_has_results(self, queryset, name, value):
        return queryset.filter(has_results() if value == "true" else ~has_results())

    def filter_ordering(self, queryset, name, value):
        if not value:
            return queryset
        keys, seen = [], set()
        for item in value:
            field = item.lstrip("-")
            if field in seen:
                continue
            seen.add(field)
            keys.append(("-" if item.startswith("-") else "") + ORDERING_FIELDS[field])
        if "id" not in seen:
            keys.append("id")  # a stable order for pagination
        return queryset.order_by(*keys)

    def filter_queryset(self, queryset):
        # Effective dates are needed by the date filters and orderings.
        if "effective_start" not in queryset.query.annotations:
            queryset = queryset.with_dates()
        return super().filter_queryset(queryset)


def _id_or_names(values, relation, name_fields):
    """Match a related organisation by numeric id or, case-insensitively, by one of its names."""
    condition = Q()
    for value in values:
        if value.isascii() and value.isdigit() and len(value) <= 18:
            condition |= Q(**{f"{relation}_id": int(value)})
        for field in name_fields:
            condition |= Q(**{f"{relation}__{field}__iexact": value})
    return condition
