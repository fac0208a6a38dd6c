"""What the database offers: TimescaleDB's presence, version, edition, hypertables, jobs."""

from dataclasses import dataclass

from xat import sqlfiles


@dataclass(frozen=True)
class TimescaleInfo:
    postgresql: str
    version: str | None  # None: the extension is not installed in this database
    edition: str | None  # "timescale" (Community, TSL) or "apache"

    @property
    def has_tsl(self) -> bool:
        return self.edition == "timescale"


def timescale_info() -> TimescaleInfo:
    (postgresql,) = sqlfiles.fetch_one("postgresql_version")
    row = sqlfiles.fetch_one("timescaledb_version")
    if row is None:
        return TimescaleInfo(postgresql=postgresql, version=None, edition=None)
    (edition,) = sqlfiles.fetch_one("timescaledb_license")
    return TimescaleInfo(postgresql=postgresql, version=row[0], edition=edition or "apache")


def aggregate_mode() -> str:
    return sqlfiles.fetch_one("aggregate_mode")[0]


def hypertable_sizes() -> list[tuple[str, str, int, int]]:
    return sqlfiles.fetch_all("hypertable_sizes")


def background_jobs() -> list[tuple]:
    return sqlfiles.fetch_all("background_jobs")
