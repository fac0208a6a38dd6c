"""The contract's pagination (§1.6): {count, next, previous, results}, 50 per page, fixed
(no page-size parameter), `?page=` from 1; next/previous are absolute URLs; a page out of
range or not a number answers 404 {"detail": "Invalid page."}.

    return paginated(queryset, OutputSerializer, request=request, view=self)
"""

from rest_framework.pagination import PageNumberPagination


class ContractPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = None


def paginated(queryset, serializer_class, *, request, view):
    paginator = ContractPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
