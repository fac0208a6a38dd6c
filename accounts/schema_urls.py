"""The OpenAPI schema of every route (accounts/openapi.py) and Swagger UI over it
(accounts/apis/schema.py), mounted at the root last by xat's URLconf."""

from django.urls import path

from accounts.apis.schema import SWAGGER_ASSETS, SchemaApi, SwaggerAssetApi, SwaggerUiApi

urlpatterns = [
    path("api/schema/", SchemaApi.as_view(), name="schema"),
    path("api/docs/", SwaggerUiApi.as_view(), name="swagger-ui"),
    *(path(f"api/docs/{asset}", SwaggerAssetApi.as_view(asset=asset), name=f"swagger-ui-{asset}")
      for asset in SWAGGER_ASSETS),
]
