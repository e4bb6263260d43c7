"""The admin page that imports an IATI activity file: upload → dry run and its report → confirm.

The same service and report as `manage.py import_iati` (iati.imports). Between the two
steps the file waits on disk under PORTFOLIO_VAR_DIR/iati-imports (iati.imports.upload_keep)
and the page carries only a signed token naming its digest and its user, so an edited
form cannot change what is imported. Officers (who may add projects) and administrators
open it; other staff get a 403, anyone else the admin's log-in.
"""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iati.imports import ImportExpired, iati_import, upload_keep, upload_take

IMPORT_PERMISSION = "projects.add_project"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("IATI activity file (XML)"),
                           widget=forms.FileInput(attrs={"accept": ".xml,application/xml,text/xml"}))


def may_import(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(IMPORT_PERMISSION)


def iati_import_view(request, model_admin):
    if not may_import(request.user):
        raise PermissionDenied
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
               "title": _("Import an IATI activity file")}
    form = UploadForm()
    if request.method == "POST" and "token" in request.POST:  # the confirmation
        try:
            path, name = upload_take(token=request.POST["token"], user=request.user)
        except ImportExpired as exc:
            messages.error(request, str(exc))
            return redirect("admin:iati_importedactivity_import")
        try:
            report = iati_import([(name, str(path))], user=request.user)
        finally:
            path.unlink(missing_ok=True)
        context.update(report=report, file_name=name)
        messages.success(request, report.summary())
    elif request.method == "POST":  # the upload and its dry run
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            path, token = upload_keep(upload=upload, user=request.user)
            report = iati_import([(upload.name, str(path))], dry_run=True, user=request.user)
            context.update(report=report, file_name=upload.name)
            if report.activities and not report.refused:
                context["token"] = token
            else:
                path.unlink(missing_ok=True)
            form = UploadForm()
    context["form"] = form
    return TemplateResponse(request, "admin/iati/import.html", context)
