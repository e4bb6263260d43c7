from rest_framework import serializers

from regions.models import Corridor, Country, Region


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class CountryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "iati_code"]


class CountrySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Country
        fields = ["code", "name", "region"]


class CorridorSerializer(serializers.ModelSerializer):
    """A corridor; its origin and destination must be select_related."""

    code = serializers.CharField(read_only=True)
    origin = CountryRefSerializer(read_only=True)
    destination = CountryRefSerializer(read_only=True)

    class Meta:
        model = Corridor
        fields = ["code", "origin", "destination"]
