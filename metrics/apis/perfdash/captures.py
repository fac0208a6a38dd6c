"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""

from metrics.apis.perfdash.base import PerfdashApi



class CaptureListApi(PerfdashApi):
    pass


class CaptureDataApi(PerfdashApi):
    pass
