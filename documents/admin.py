"""Admin for documents: a page of their own and `DocumentInline` on the project page (projects.admin).

Every upload goes through documents.uploads.check_upload in the form's clean: a refused
file is an error on the file field saying why, and nothing is stored.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html

from documents.models import Document
from documents.services import document_file_delete_on_commit, document_file_set
from documents.uploads import check_upload
from portfolio.admin_history import HistoryAdmin

DOCUMENT_FIELDS = ["title", "category", "language", "document_date", "is_public", "file", "url"]


class _Stored:
    """What the file widget shows as "Currently": the download page, never the storage's own URL."""

    def __init__(self, url: str, label: str):
        self.url, self.label = url, label

    def __str__(self):
        return self.label


class DocumentFileInput(forms.ClearableFileInput):
    instance = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.instance is not None and self.instance.pk:
            label = self.instance.original_name or self.instance.title
            context["widget"]["value"] = _Stored(reverse("documents:download", args=[self.instance.pk]), label)
        return context


class DocumentForm(forms.ModelForm):
    """A document with its upload checked; `uploaded_by` is set by the admin for the request's officer."""

    uploaded_by = None

    class Meta:
        model = Document
        fields = DOCUMENT_FIELDS
        widgets = {"file": DocumentFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].widget.instance = self.instance

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new upload, not the file already stored
            checked = check_upload(upload)
            document_file_set(document=self.instance, upload=upload, checked=checked, user=self.uploaded_by)
        return upload

    def _post_clean(self):
        super()._post_clean()
        if self.has_error("file") and self.has_error(NON_FIELD_ERRORS, "file_or_link"):
            # A refused file already says what is wrong; "give a file or a link" would only blur it.
            del self._errors[NON_FIELD_ERRORS]

    def save(self, commit=True):
        if self.instance.pk is None and self.uploaded_by is not None:
            self.instance.uploaded_by = self.uploaded_by
        previous = self.initial.get("file")
        if "file" in self.changed_data and previous:  # replaced or cleared: the old file goes once saved
            document_file_delete_on_commit(storage=self.instance.file.storage, name=str(previous))
        return super().save(commit)


def _with_user(form_class, user):
    return type(form_class.__name__, (form_class,), {"uploaded_by": user})


class DocumentInline(admin.StackedInline):
    """Stacked and collapsed like transactions: a row of eight fields does not fit 1366 px, and a
    refused file's error must be seen beside its field."""

    model = Document
    form = DocumentForm
    extra = 0
    fieldsets = [(None, {"fields": [("title", "category"), ("language", "document_date", "is_public"),
                                    ("file", "url"), "stored"]})]
    readonly_fields = ["stored"]
    show_change_link = True
    classes = ["collapse"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_user(formset.form, request.user)
        return formset

    @admin.display(description="stored")
    def stored(self, obj):
        return _stored(obj)


def _stored(obj) -> str:
    if obj is None or obj.pk is None:
        return "—"
    if obj.is_link:
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, "link")
    return format_html(
        '<a href="{}">{}</a> · {} · {} bytes', reverse("documents:download", args=[obj.pk]),
        obj.original_name or "download", obj.format_label or obj.content_type, f"{obj.size or 0:,}",
    )


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("file", "File"), ("link", "Link")]

    def queryset(self, request, queryset):
        if self.value() == "file":
            return queryset.exclude(file="")
        if self.value() == "link":
            return queryset.filter(file="")
        return queryset


@admin.register(Document)
class DocumentAdmin(HistoryAdmin):
    form = DocumentForm
    list_display = ["title", "project", "category", "document_date", "language", "is_public", "kind"]
    list_filter = ["is_public", "category", KindFilter, "language"]
    list_select_related = ["project"]
    search_fields = ["title", "original_name", "project__title", "project__short_name", "project__slug"]
    autocomplete_fields = ["project"]
    readonly_fields = ["stored", "original_name", "content_type", "size", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["project", "title", "category", ("language", "document_date"), "is_public"]}),
        ("File or link", {"fields": ["file", "url", "stored"]}),
        ("Record", {"fields": ["original_name", "content_type", "size", "uploaded_by", "created_at"],
                       "classes": ["collapse"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = ["project", *DOCUMENT_FIELDS]
        return _with_user(super().get_form(request, obj, change, **kwargs), request.user)

    @admin.display(description="kind")
    def kind(self, obj):
        return "Link" if obj.is_link else (obj.format_label or "File")

    @admin.display(description="stored")
    def stored(self, obj):
        return _stored(obj)
