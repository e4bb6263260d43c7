"""The admin page that imports transactions from a CSV file, for finance staff only.

Upload → dry run: a preview (lines read, totals per currency, every bad line with its
number and reason); nothing is saved. → Confirm: every line is saved, or none. Between the
two steps the file waits in the shared cache and the page carries only a signed token that
names its digest and its user (`finance.services.import_upload_keep`), so an edited form
cannot change what is saved. Only `finance.import_transactions` opens the page (the
"Finance" group, README "Money"); other staff get a 403, anyone else the admin's log-in.
"""
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from finance.services import (
    IMPORT_MAX_BYTES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, ImportExpired, ImportReport, import_upload_keep,
    import_upload_take, transactions_import,
)

IMPORT_PERMISSION = "finance.import_transactions"
PREVIEW_ROWS = 100


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}))


def import_max_bytes() -> int:
    """The import's own cap, or the upload cap of every form (portfolio.uploads) when that is lower."""
    return min(IMPORT_MAX_BYTES, settings.FILE_UPLOAD_MAX_SIZE)


def _preview(report: ImportReport) -> list[dict]:
    return [
        {
            "project": row.project.short_name or row.project.title, "type": row.get_transaction_type_display(),
            "date": row.date, "value_date": row.value_date, "value": row.value, "currency": row.currency,
            "provider": row.organisation("provider")[0], "receiver": row.organisation("receiver")[0],
            "internal": row.is_internal,
        }
        for row in report.transactions[:PREVIEW_ROWS]
    ]


def transactions_import_view(request, model_admin):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta, "title": "Import transactions (CSV)",
        "required_columns": REQUIRED_COLUMNS, "optional_columns": OPTIONAL_COLUMNS,
        "max_bytes": import_max_bytes(), "preview_rows": PREVIEW_ROWS,
    }
    form = UploadForm()
    if request.method == "POST" and "token" in request.POST:  # the confirmation
        try:
            data = import_upload_take(token=request.POST["token"], user=request.user)
        except ImportExpired as exc:
            messages.error(request, str(exc))
            return redirect("admin:finance_transaction_import")
        report = transactions_import(file=io.BytesIO(data), dry_run=False, user=request.user, max_bytes=import_max_bytes())
        if report.saved:
            count = len(report.transactions)
            messages.success(request, f"{count} transaction{'s' if count != 1 else ''} saved from the CSV file.")
            return redirect("admin:finance_transaction_changelist")
        context["report"] = report  # something changed since the dry run (e.g. a project was deleted): nothing saved
    elif request.method == "POST":  # the upload and its dry run
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(import_max_bytes() + 1)
            report = transactions_import(file=io.BytesIO(data), dry_run=True, max_bytes=import_max_bytes())
            context.update(report=report, file_name=upload.name, preview=_preview(report))
            if report.ok and report.transactions:
                context["token"] = import_upload_keep(data=data, user=request.user)
            form = UploadForm()
    context["form"] = form
    return TemplateResponse(request, "admin/finance/transaction/import.html", context)
