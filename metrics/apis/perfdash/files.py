"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""

from metrics.apis.perfdash.base import PerfdashApi



class UploadListApi(PerfdashApi):
    pass


class UploadCreateApi(PerfdashApi):
    pass


class UploadDetailApi(PerfdashApi):
    pass


class UploadDeleteApi(PerfdashApi):
    pass
