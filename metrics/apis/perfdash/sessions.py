"""PLACEHOLDER: replaced by its area's implementation (issue 11)."""

from metrics.apis.perfdash.base import PerfdashApi



class LiveApi(PerfdashApi):
    pass


class TrickleStatusApi(PerfdashApi):
    pass


class ActiveSessionsApi(PerfdashApi):
    pass


class CheckInactiveApi(PerfdashApi):
    pass


class SessionListApi(PerfdashApi):
    pass


class SessionDatesApi(PerfdashApi):
    pass


class SessionDetailApi(PerfdashApi):
    pass


class SessionCompleteApi(PerfdashApi):
    pass
