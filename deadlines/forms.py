"""The forms of a deadline's admin page: submitting a report, and deciding on it or on the deadline."""
from django import forms


class ReportUploadForm(forms.Form):
    file = forms.FileField(label="Report file", help_text="PDF, office or OpenDocument file, image or CSV.")


class DecisionForm(forms.Form):
    """Approve or return the submitted version (with a comment), waive or skip (with a reason), mark met, reopen."""

    ACTIONS = ("approve", "return", "waive", "skip", "met", "reopen")

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    submission = forms.IntegerField(required=False, min_value=1)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
