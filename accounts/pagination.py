"""The API's pagination: `?page=` (from 1) and `?page_size=` (default 50, at most 500).

Answers {count, next, previous, results}. Usage in a list view:

    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=self)
    return paginator.get_paginated_response(OutputSerializer(page, many=True).data)
"""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
