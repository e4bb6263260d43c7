"""The project page's sector and policy-marker inlines: codes picked from the IATI codelists, by name."""
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from classifications.models import SECTOR_CODELISTS, ProjectPolicyMarker, ProjectSector, SectorVocabulary
from classifications.services import sector_errors
from iati.codelists import codelist


class SectorForm(forms.ModelForm):
    """The code is chosen from the codelists, grouped by vocabulary (an own code, vocabulary 99, comes by import)."""

    code = forms.ChoiceField(help_text="Pick the code in the list of its vocabulary.")

    class Meta:
        model = ProjectSector
        fields = ["vocabulary", "code", "percentage"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = {self.instance.code} if self.instance.code else set()
        groups = [(SectorVocabulary(v).label, codelist(name).choices(keep=current)) for v, name in SECTOR_CODELISTS.items()]
        if self.instance.vocabulary == SectorVocabulary.OWN and self.instance.code:
            groups.append((SectorVocabulary.OWN.label, [(self.instance.code, self.instance.code)]))
        self.fields["code"].choices = [("", "---------"), *groups]


class SectorFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form.cleaned_data for form in self.forms
                if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")]
        errors = sector_errors([(row["vocabulary"], row["code"], row["percentage"] or Decimal(0)) for row in kept])
        if errors:
            raise ValidationError(errors)


class SectorInline(admin.TabularInline):
    model = ProjectSector
    form = SectorForm
    formset = SectorFormSet
    extra = 0


class PolicyMarkerForm(forms.ModelForm):
    code = forms.ChoiceField(choices=lambda: [("", "---------"), *codelist("PolicyMarker").choices()])

    class Meta:
        model = ProjectPolicyMarker
        fields = ["code", "significance"]


class PolicyMarkerInline(admin.TabularInline):
    model = ProjectPolicyMarker
    form = PolicyMarkerForm
    extra = 0
