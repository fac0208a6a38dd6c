"""What an upload refuses: a file as a whole, at once (UploadRejected and its kinds: the
request answers them and stores nothing), or one line while reading (LineError: reported
with its number in the upload's errors, the rest of the file read)."""


class UploadRejected(Exception):
    """The file is refused as a whole; nothing was stored."""

    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.payload = {"error": message, **details}


class UnknownFormat(UploadRejected):
    status = 415


class UploadTooLarge(UploadRejected):
    status = 413


class TooManyIdleLines(UploadRejected):
    """More lines than XAT_UPLOAD_MAX_IDLE_LINES stored nothing (blank, or refused): the job
    stops there, and fails."""


class UploadQueueFull(UploadRejected):
    """The organization's files waiting for their jobs hold XAT_UPLOAD_MAX_QUEUED_BYTES."""

    status = 429


class LineError(ValueError):
    pass
