from drf_spectacular.utils import extend_schema
from rest_framework import generics

from integrations.api import ERROR_RESPONSE, ApiPagination, StrictApiMixin
from regions.models import Corridor, Country, Region
from regions.serializers import CorridorSerializer, CountrySerializer, RegionSerializer


@extend_schema(tags=["reference data"], responses={200: RegionSerializer(many=True), 400: ERROR_RESPONSE})
class RegionListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = RegionSerializer
    pagination_class = ApiPagination
    queryset = Region.objects.order_by("name", "id")


@extend_schema(tags=["reference data"], responses={200: CountrySerializer(many=True), 400: ERROR_RESPONSE})
class CountryListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = CountrySerializer
    pagination_class = ApiPagination
    queryset = Country.objects.select_related("region").order_by("name", "id")


@extend_schema(tags=["reference data"], responses={200: CorridorSerializer(many=True), 400: ERROR_RESPONSE})
class CorridorListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = CorridorSerializer
    pagination_class = ApiPagination
    queryset = Corridor.objects.select_related("origin", "destination").order_by(
        "origin__name", "destination__name", "id"
    )
