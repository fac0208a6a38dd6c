"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""

from metrics.apis.perfdash.base import PerfdashApi



class CpuChartApi(PerfdashApi):
    pass


class MemoryChartApi(PerfdashApi):
    pass


class DiskChartApi(PerfdashApi):
    pass


class NetworkChartApi(PerfdashApi):
    pass
