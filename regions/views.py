from drf_spectacular.utils import extend_schema
from rest_framework import generics

from integrations.api import ApiPagination, StrictApiMixin, error_responses
from regions.models import Corridor, Country, Region
from regions.serializers import CorridorSerializer, CountrySerializer, RegionSerializer


@extend_schema(tags=["reference data"], responses={200: RegionSerializer(many=True), **error_responses(400, 401, 404, 429)})
class RegionListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = RegionSerializer
    pagination_class = ApiPagination
    queryset = Region.objects.order_by("name", "id")


@extend_schema(tags=["reference data"], responses={200: CountrySerializer(many=True), **error_responses(400, 401, 404, 429)})
class CountryListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = CountrySerializer
    pagination_class = ApiPagination
    queryset = Country.objects.select_related("region").order_by("name", "id")


@extend_schema(tags=["reference data"], responses={200: CorridorSerializer(many=True), **error_responses(400, 401, 404, 429)})
class CorridorListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = CorridorSerializer
    pagination_class = ApiPagination
    queryset = Corridor.objects.select_related("origin", "destination").order_by(
        "origin__name", "destination__name", "id"
    )
