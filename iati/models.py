"""What an IATI import keeps beside the project: where it came from, its texts in every language, its relations.

Kept here rather than on Project (projects/ stays small): `ImportedActivity` is the
import's memory of an activity (the file's last-updated-datetime and a digest of the
activity's XML, which make a re-import idempotent) and its title and description in
each language the file gave; `RelatedActivity` the file's related-activity links, kept
by identifier so a parent imported after its child is still found (iati.selectors).
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RelationType(models.IntegerChoices):
    """IATI RelatedActivityType codelist."""

    PARENT = 1, _("Parent")
    CHILD = 2, _("Child")
    SIBLING = 3, _("Sibling")
    CO_FUNDED = 4, _("Co-funded")
    THIRD_PARTY = 5, _("Third party")


class ImportedActivity(models.Model):
    """A project as an IATI file last gave it."""

    project = models.OneToOneField("projects.Project", models.CASCADE, related_name="iati_activity")
    last_updated = models.DateTimeField(null=True, blank=True, help_text="The file's last-updated-datetime.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the activity's canonical XML.")
    titles = models.JSONField(default=dict, blank=True, help_text="Title by language code.")
    descriptions = models.JSONField(default=dict, blank=True, help_text="General description by language code.")
    source = models.CharField(max_length=255, blank=True, help_text="The file it was last imported from.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "imported IATI activity"
        verbose_name_plural = "imported IATI activities"

    def __str__(self):
        return str(self.project)


class RelatedActivity(models.Model):
    """A related-activity of a project's IATI activity: the other activity's identifier and how they relate."""

    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="iati_related")
    ref = models.CharField("IATI identifier", max_length=150)
    relation = models.PositiveSmallIntegerField(choices=RelationType.choices)

    class Meta:
        ordering = ["project", "relation", "ref"]
        verbose_name = "related IATI activity"
        verbose_name_plural = "related IATI activities"
        constraints = [
            models.UniqueConstraint(fields=["project", "ref", "relation"], name="related_activity_unique"),
            models.CheckConstraint(condition=Q(relation__in=RelationType.values), name="related_activity_relation_valid"),
        ]

    def __str__(self):
        return f"{self.get_relation_display()}: {self.ref}"
