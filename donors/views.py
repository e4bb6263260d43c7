from drf_spectacular.utils import extend_schema
from rest_framework import generics

from donors.models import Donor, Partner
from donors.serializers import DonorSerializer, PartnerSerializer
from integrations.api import ERROR_RESPONSE, ApiPagination, StrictApiMixin


@extend_schema(tags=["reference data"], responses={200: DonorSerializer(many=True), 400: ERROR_RESPONSE})
class DonorListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = DonorSerializer
    pagination_class = ApiPagination
    queryset = Donor.objects.select_related("country").order_by("acronym", "id")


@extend_schema(tags=["reference data"], responses={200: PartnerSerializer(many=True), 400: ERROR_RESPONSE})
class PartnerListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = PartnerSerializer
    pagination_class = ApiPagination
    queryset = Partner.objects.order_by("name", "id")
