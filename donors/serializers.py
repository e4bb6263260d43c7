from rest_framework import serializers

from donors.models import Donor, Partner


class DonorSerializer(serializers.ModelSerializer):
    """A donor's public fields (contact e-mails stay private)."""

    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Donor
        fields = ["id", "name", "acronym", "kind", "country", "iati_ref"]


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "acronym", "kind", "iati_ref"]
