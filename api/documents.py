"""`/api/v1/projects/{id}/documents/`: the documents of a project the caller may see, and their files.

A 404 for a project the caller may not see, exactly as the project itself. Everyone but
the staff gets public documents only (documents.selectors). `url` is where the document
is fetched: `/api/v1/documents/{id}/file/` for a file (the same check, with the caller's
token: an officer's integration reads restricted files too), the link itself for a link.
"""
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from api.base import StrictApiMixin, error_responses
from api.renderers import ORJSONRenderer
from api.views import project_pk
from deadlines.selectors import report_submission_readable
from documents.models import Document
from documents.selectors import document_for_download, project_documents
from documents.views import document_response
from projects.models import Project
from projects.selectors import project_visible


class AnyAccept(DefaultContentNegotiation):
    """A file is what it is: the Accept header does not choose among renderers (errors stay JSON)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField(source="category", help_text="IATI DocumentCategory code, e.g. A07.")
    name = serializers.CharField(source="get_category_display")


class DocumentSerializer(serializers.ModelSerializer):
    category = CategorySerializer(source="*")
    date = serializers.DateField(source="document_date", allow_null=True)
    public = serializers.BooleanField(source="is_public")
    kind = serializers.SerializerMethodField()
    content_type = serializers.CharField(help_text="The type read from the file's content; empty for a link.")
    size = serializers.IntegerField(allow_null=True, help_text="Bytes; null for a link.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "title", "category", "language", "date", "public", "kind", "content_type", "size", "url"]

    def get_kind(self, document) -> str:
        return "link" if document.is_link else "file"

    def get_url(self, document) -> str:
        """The absolute URL of a file in the API (on the host the caller used), or the link."""
        if document.is_link:
            return document.url
        return self.context["request"].build_absolute_uri(reverse("api:document-file", args=[document.pk]))


class ProjectDocumentsSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    documents = DocumentSerializer(many=True)


@extend_schema(tags=["projects"], responses={200: ProjectDocumentsSerializer, **error_responses(400, 401, 404, 406, 429)})
class ProjectDocumentsView(StrictApiMixin, generics.GenericAPIView):
    """A project's documents (files and links): public ones, and to officers restricted ones too."""

    serializer_class = ProjectDocumentsSerializer
    queryset = Project.objects.none()
    pagination_class = None
    renderer_classes = [ORJSONRenderer]

    def get(self, request, pk):
        project = get_object_or_404(project_visible(user=request.user).only("id"), pk=project_pk(pk))
        documents = project_documents(project=project, user=request.user)
        return Response(self.get_serializer({"project": project.pk, "documents": documents}).data)


class _FileView(StrictApiMixin, generics.GenericAPIView):
    """A stored file for API callers, after its rule (`readable`); a JSON 404 for any id the caller may not read."""

    queryset = Project.objects.none()
    pagination_class = None
    renderer_classes = [ORJSONRenderer]
    content_negotiation_class = AnyAccept
    not_found = "No such file."

    def readable(self, request, pk: int) -> Document | None:
        raise NotImplementedError

    def get(self, request, pk: str):
        if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:  # a JSON 404, not Django's HTML one
            raise NotFound(self.not_found)
        document = self.readable(request, int(pk))
        if document is None:
            raise NotFound(self.not_found)
        return document_response(request, document)


@extend_schema(
    tags=["projects"],
    responses={(200, "*/*"): OpenApiTypes.BINARY, (302, "*/*"): None, **error_responses(401, 404, 429)},
)
class DocumentFileView(_FileView):
    """A document's file (a redirect for a link), for API callers: what a document's `url` points at.

    The rule of the download page (documents.selectors.document_for_download) with the
    caller's credentials: public documents of published projects for everyone, every
    document for staff (their tokens included); a 404 for anything else.
    """

    not_found = "No such document."

    def readable(self, request, pk: int) -> Document | None:
        return document_for_download(user=request.user, pk=pk)


@extend_schema(
    tags=["deadlines"],
    responses={(200, "*/*"): OpenApiTypes.BINARY, **error_responses(401, 404, 429)},
)
class ReportFileView(_FileView):
    """A report version's file, for API callers (tokens): what `report.approved_file` of a deadline points at.

    The same rule as the reporting page's download (deadlines.selectors.report_submission_readable):
    staff any version, the donor the report is owed to the approved one; a 404 for anyone else.
    """

    not_found = "No such report."

    def readable(self, request, pk: int) -> Document | None:
        submission = report_submission_readable(user=request.user, pk=pk)
        return submission.document if submission is not None else None
