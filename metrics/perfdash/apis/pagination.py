"""The contract's pagination (§1.6): {count, next, previous, results}, 50 per page, fixed
(no page-size parameter), `?page=` from 1; next/previous are absolute URLs; a page out of
range or not a number answers 404 {"detail": "Invalid page."}.

    return paginated_response(queryset, OutputSerializer, request=request, view=self,
                              paginator_class=ContractPagination)   (accounts/pagination.py)
"""

from rest_framework.pagination import PageNumberPagination


class ContractPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = None
