"""The API's pagination: `?page=` (from 1) and `?page_size=` (default 50, at most 500).

Answers {count, next, previous, results}. Usage in a list view:

    return paginated_response(queryset, OutputSerializer, request=request, view=self)
"""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def paginated_response(queryset, serializer_class, *, request, view, paginator_class=Pagination):
    """One page of queryset, serialised: the whole body of a list view."""
    paginator = paginator_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
