"""Provider name -> its module (aws.py, oci.py, azure.py: the interface of providers.py)."""

from types import ModuleType

from metrics.cloud import aws, azure, oci

PROVIDERS: dict[str, ModuleType] = {"oci": oci, "aws": aws, "azure": azure}


def provider_module(provider: str) -> ModuleType:
    return PROVIDERS[provider]
