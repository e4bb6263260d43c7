"""Drive admin change forms in tests the way a browser submits them."""


def form_values(form):
    """A form's current values as POST data (unchecked boxes and empty values left out)."""
    data = {}
    for bound in form:
        value = bound.field.prepare_value(bound.value())
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    return data


def admin_change_data(response):
    """The POST data the admin change page would submit unchanged, inlines included."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_values(formset.management_form))
        for form in formset.forms:
            data.update(form_values(form))
    return data
