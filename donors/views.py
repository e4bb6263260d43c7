from drf_spectacular.utils import extend_schema
from rest_framework import generics

from donors.models import Donor, Partner
from donors.serializers import DonorSerializer, PartnerSerializer
from integrations.api import ApiPagination, StrictApiMixin, error_responses


@extend_schema(tags=["reference data"], responses={200: DonorSerializer(many=True), **error_responses(400, 401, 404, 429)})
class DonorListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = DonorSerializer
    pagination_class = ApiPagination
    queryset = Donor.objects.select_related("country").order_by("acronym", "id")


@extend_schema(tags=["reference data"], responses={200: PartnerSerializer(many=True), **error_responses(400, 401, 404, 429)})
class PartnerListView(StrictApiMixin, generics.ListAPIView):
    serializer_class = PartnerSerializer
    pagination_class = ApiPagination
    queryset = Partner.objects.order_by("name", "id")
