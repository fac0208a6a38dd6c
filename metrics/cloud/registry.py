"""Provider name -> its module (aws.py, oci.py, azure.py: the interface of providers.py),
imported on first use: the SDKs take 0.7 to 1.6 s and 40 to 50 MB each to import, which
every worker and management command would pay at startup otherwise."""

from importlib import import_module
from types import ModuleType

PROVIDERS = ("oci", "aws", "azure")


def provider_module(provider: str) -> ModuleType:
    if provider not in PROVIDERS:
        raise KeyError(provider)
    return import_module(f"metrics.cloud.{provider}")
