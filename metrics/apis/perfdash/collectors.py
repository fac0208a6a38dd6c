"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""

from metrics.apis.perfdash.base import PerfdashApi



class CollectorListApi(PerfdashApi):
    pass


class CollectorCreateApi(PerfdashApi):
    pass


class CollectorDetailApi(PerfdashApi):
    pass


class CollectorUpdateApi(PerfdashApi):
    pass


class CollectorDeleteApi(PerfdashApi):
    pass


class CollectorKeyRegenerateApi(PerfdashApi):
    pass


class CollectorMenuApi(PerfdashApi):
    pass
