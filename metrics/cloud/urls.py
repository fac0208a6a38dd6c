"""The cloud inventories' API (metrics/cloud/apis.py), at the perf-dashboard contract's exact
paths (docs/perf-dashboard.md, Appendix A). Mounted at the root by xat's URLconf, after the
load tests' (metrics/loadtests/urls.py)."""

from django.urls import path

from accounts.routing import by_method
from metrics.cloud import apis as cloud

# Cloud inventories (Appendix A): no trailing slash; JWT and the organization's own credentials
# (metrics/cloud/apis.py). Instance ids are the providers' (Azure: "<resource group>:<vm name>").
urlpatterns = []
for _provider in ("oci", "aws", "azure"):
    _instance = "<str:instance_id>"
    _root, _name = f"api/v1/cloud/{_provider}", f"cloud-{_provider}"
    urlpatterns += [
        path(f"{_root}/status", by_method(GET=cloud.CloudStatusApi.as_view(provider=_provider)),
             name=f"{_name}-status"),
        path(f"{_root}/connect", by_method(POST=cloud.CloudConnectApi.as_view(provider=_provider)),
             name=f"{_name}-connect"),
        path(f"{_root}/disconnect", by_method(POST=cloud.CloudDisconnectApi.as_view(provider=_provider)),
             name=f"{_name}-disconnect"),
        path(f"{_root}/instances", by_method(GET=cloud.CloudInstanceListApi.as_view(provider=_provider)),
             name=f"{_name}-instances"),
        path(f"{_root}/instances/{_instance}/start",
             by_method(POST=cloud.CloudInstancePowerApi.as_view(provider=_provider, action="start")),
             name=f"{_name}-start"),
        path(f"{_root}/instances/{_instance}/stop",
             by_method(POST=cloud.CloudInstancePowerApi.as_view(provider=_provider, action="stop")),
             name=f"{_name}-stop"),
        path(f"{_root}/instances/{_instance}/status",
             by_method(GET=cloud.CloudInstanceStatusApi.as_view(provider=_provider)), name=f"{_name}-instance-status"),
        path(f"{_root}/instances/{_instance}/deploy-pcc",
             by_method(POST=cloud.CloudPccDeployApi.as_view(provider=_provider)), name=f"{_name}-deploy-pcc"),
        path(f"{_root}/instances/{_instance}/validate-pcc",
             by_method(GET=cloud.CloudPccValidateApi.as_view(provider=_provider)), name=f"{_name}-validate-pcc"),
    ]
urlpatterns += [
    path("api/v1/cloud/aws/regions", by_method(GET=cloud.CloudLocationsApi.as_view(provider="aws")),
         name="cloud-aws-regions"),
    path("api/v1/cloud/oci/compartments", by_method(GET=cloud.CloudLocationsApi.as_view(provider="oci")),
         name="cloud-oci-compartments"),
    path("api/v1/cloud/audit", by_method(GET=cloud.CloudAuditApi.as_view()), name="cloud-audit"),
]
