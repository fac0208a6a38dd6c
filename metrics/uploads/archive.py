"""A zip archive opened safely: its directory is checked before any member is read, so that
no entry names a path outside the archive's root, links elsewhere, hides its content behind
a password, or inflates past what the server accepts (a zip bomb). Members are then read as
streams (metrics.uploads.lines), never extracted."""

import re
import stat
import zipfile
from pathlib import PurePosixPath

from django.conf import settings

from metrics.uploads.errors import UploadRejected

ZIP_MAX_ENTRIES = 64
ZIP_MAX_RATIO = 100             # inflated / compressed, for a member over ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024


def archive_open(file) -> zipfile.ZipFile:
    """The archive, after checking its directory; UploadRejected for the first entry that
    fails (a path outside the root, a symbolic link, an encrypted entry, a compression ratio
    over ZIP_MAX_RATIO), more than ZIP_MAX_ENTRIES entries, or a declared total over
    XAT_UPLOAD_MAX_INFLATED_BYTES."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UploadRejected(f"not a readable zip archive ({error})") from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise UploadRejected(f"the zip has {len(entries)} entries, at most {ZIP_MAX_ENTRIES} are accepted")
    declared = 0
    for entry in entries:
        name = entry.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts or "\x00" in name:
            raise UploadRejected(f"the zip has a path outside its root: {name[:200]!r}")
        if entry.create_system == 3 and stat.S_ISLNK(entry.external_attr >> 16):
            raise UploadRejected(f"the zip has a symbolic link: {name[:200]!r}")
        if entry.flag_bits & 0x1:
            raise UploadRejected(f"the zip has an encrypted entry: {name[:200]!r}")
        if entry.file_size > ZIP_RATIO_FROM and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
            raise UploadRejected(f"the zip looks like a zip bomb: {name[:200]!r} declares a compression ratio "
                                 f"over {ZIP_MAX_RATIO}")
        declared += entry.file_size
    limit = settings.XAT_UPLOAD_MAX_INFLATED_BYTES
    if declared > limit:
        raise UploadRejected(f"the zip looks like a zip bomb: it declares {declared} bytes, over {limit}")
    return archive
