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


class LineError(ValueError):
    pass
