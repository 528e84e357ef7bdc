"""Build the exporter's JSON responses from the control panel's files, without any web framework.

Each public function returns (status, headers, body), which both the exporter's own HTTP server
and a route in the panel's Flask app can send as they are. Standard library only, Python 3.8+.
"""

import hmac
import json
import logging
import math
import os
import re
import stat
import time
from typing import Any, Dict, Mapping, Optional, Tuple, Union

logger = logging.getLogger("usage_exporter")

# The panel keeps at most 1000 log entries, about 175 KB with its indent=2 layout, so a
# 10 MiB file is already far outside what it writes. json.loads needs about six times the
# file size in memory (325 MiB peak for a 55 MiB log, measured with CPython 3.11 on x86-64).
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024

# The panel rewrites its files in place with open(path, "w"), so a read can catch a file that
# is empty or cut off. Rewriting a 1000-entry log took 4 to 8 ms (CPython 3.11, AMD EPYC), so
# five reads 50 ms apart outlast one write by far.
READ_ATTEMPTS = 5
RETRY_DELAY_SECONDS = 0.05
BUSY_RETRY_AFTER_SECONDS = 5

# The sheet reads a timestamp above 1e11 as milliseconds, because in seconds it would be past
# the year 5000. The since filter does the same.
MAX_PLAUSIBLE_SECONDS = 1e11

# A status code, the response headers (without Content-Length) and the body.
Response = Tuple[int, Dict[str, str], bytes]


def json_response(status: int, payload: Any, headers: Optional[Mapping[str, str]] = None) -> Response:
    """Encode payload as compact JSON with the headers every response of the exporter carries."""
    body = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("utf-8")
    response_headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if headers:
        response_headers.update(headers)
    return status, response_headers, body


def health_response() -> Response:
    return json_response(200, {"ok": True})


def unauthorized_response() -> Response:
    return json_response(401, {"error": "unauthorized"}, {"WWW-Authenticate": "Bearer"})


def invalid_parameter_response(name: str, detail: str) -> Response:
    return json_response(400, {"error": "invalid query parameter", "parameter": name, "detail": detail})


def is_authorized(authorization: Optional[str], token: str) -> bool:
    """Check an Authorization header value against the token in constant time.

    An empty token never authorizes a request. The scheme name is case-insensitive (RFC 7235).
    """
    if not token or authorization is None:
        return False

    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    provided = credentials.strip().encode("utf-8", errors="replace")
    return hmac.compare_digest(provided, token.encode("utf-8"))


def parse_since(raw: Union[str, float, int, None]) -> Optional[float]:
    """Convert the since query value to epoch seconds, or None when it is absent.

    Raises ValueError with a message for the client when the value is not a finite number.
    """
    if raw is None:
        return None

    message = "since must be a finite number of seconds since the Unix epoch, such as 1794357355.34"
    if isinstance(raw, bool):
        raise ValueError(message)
    # float() also takes "1_794_000_000" and " 1e9 ", which no client means; accept plain decimals.
    if isinstance(raw, str) and not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", raw):
        raise ValueError(message)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not math.isfinite(value):
        raise ValueError(message)
    # Timestamps in the file above this are read as milliseconds, so the same holds for since.
    if abs(value) > MAX_PLAUSIBLE_SECONDS:
        value /= 1000
    return value


def read_usage_log(
    path: str,
    since: Union[str, float, int, None] = None,
    *,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    attempts: int = READ_ATTEMPTS,
    retry_delay: float = RETRY_DELAY_SECONDS,
) -> Response:
    """Build the response for GET /usage-log from the event log at path.

    since is the raw query value: when given, only entries whose timestamp is at or after it
    are returned. Entries without a readable timestamp are always returned, so a filter never
    hides an entry that the sheet should report as invalid. X-Log-Entries counts every entry in
    the file and X-Log-First-Timestamp gives the first entry's time in epoch seconds, so the
    sheet can tell when the panel has dropped entries it never fetched.
    """
    try:
        since_seconds = parse_since(since)
    except ValueError as error:
        return invalid_parameter_response("since", str(error))

    try:
        entries = _load_json_file(path, "usage log", "log busy", max_bytes, attempts, retry_delay)
    except FileResponseError as error:
        return error.response
    if not isinstance(entries, list):
        logger.error("usage log %s is not a JSON array but %s", path, type(entries).__name__)
        return json_response(500, {"error": "usage log is not a JSON array", "path": path})

    headers = {"X-Log-Entries": str(len(entries))}
    first_timestamp = _timestamp_seconds(entries[0]) if entries else None
    if first_timestamp is not None:
        headers["X-Log-First-Timestamp"] = repr(first_timestamp)

    if since_seconds is not None:
        entries = [entry for entry in entries if _is_at_or_after(entry, since_seconds)]
    return _file_content_response(path, "usage log", entries, headers)


def read_user_stats(
    path: str,
    *,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    attempts: int = READ_ATTEMPTS,
    retry_delay: float = RETRY_DELAY_SECONDS,
) -> Response:
    """Build the response for GET /user-stats from the panel's user_statistics.json at path."""
    try:
        stats = _load_json_file(path, "user stats", "user stats busy", max_bytes, attempts, retry_delay)
    except FileResponseError as error:
        return error.response
    if not isinstance(stats, dict):
        logger.error("user stats %s is not a JSON object but %s", path, type(stats).__name__)
        return json_response(500, {"error": "user stats file is not a JSON object", "path": path})
    return _file_content_response(path, "user stats", stats, {})


class FileResponseError(Exception):
    """A file that cannot be served, with the error response to send instead."""

    def __init__(self, response: Response):
        super().__init__(response[0])
        self.response = response


def _load_json_file(
    path: str, label: str, busy_error: str, max_bytes: int, attempts: int, retry_delay: float
) -> Any:
    """Parse the JSON file at path, reading it again while it is empty, changing or not valid JSON.

    A truncated prefix of a JSON array or object is never valid JSON, so a successful parse of
    a file that did not change during the read is a whole file. Raises FileResponseError with
    a 404, 500 or 503 response.
    """
    problem = ""
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            time.sleep(retry_delay)

        data = _read_capped(path, label, max_bytes)
        if data is None:
            problem = "file changed while it was read"
            continue
        if not data.strip():
            problem = "file is empty"
            continue
        try:
            value = _loads_tolerating_bad_bytes(data)
        except (ValueError, RecursionError) as error:
            problem = "invalid JSON: %s" % error
            continue

        if attempt > 1:
            logger.info("read %s %s on attempt %d of %d", label, path, attempt, attempts)
        return value

    logger.warning(
        "%s %s was empty, changing or invalid JSON on all %d reads, returning 503 (last problem: %s)",
        label, path, attempts, problem,
    )
    detail = "the file was empty, changing or not valid JSON on %d reads %d ms apart; the control panel may be rewriting it" % (
        attempts, round(retry_delay * 1000),
    )
    raise FileResponseError(json_response(
        503,
        {"error": busy_error, "detail": detail, "path": path},
        {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    ))


def _loads_tolerating_bad_bytes(data: bytes) -> Any:
    """Parse JSON bytes; invalid UTF-8 becomes U+FFFD instead of failing the whole file.

    A single bad byte never goes away by reading again, so treating it as a torn read would
    answer 503 forever. The sheet sets aside the one record whose user name holds U+FFFD.
    """
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        return json.loads(data.decode("utf-8", errors="replace"))


def _read_capped(path: str, label: str, max_bytes: int) -> Optional[bytes]:
    """Read the file at path, rejecting it unread when it is larger than max_bytes.

    Returns None when the file changed while it was read, so that the caller reads it again.
    """
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            logger.error("%s %s is not a regular file", label, path)
            raise FileResponseError(json_response(500, {"error": "%s is not a regular file" % label, "path": path}))
        if status.st_size > max_bytes:
            raise _too_large(path, label, status.st_size, max_bytes)

        with open(path, "rb") as file:
            before = os.fstat(file.fileno())
            # The file may have grown since stat(), so read at most one byte past the limit.
            data = file.read(max_bytes + 1)
            after = os.fstat(file.fileno())
    except FileNotFoundError:
        raise FileResponseError(json_response(404, {"error": "%s not found" % label, "path": path})) from None
    except OSError as error:
        logger.error("failed to read %s %s: %s", label, path, error)
        detail = error.strerror or str(error)
        raise FileResponseError(
            json_response(500, {"error": "%s could not be read" % label, "detail": detail, "path": path})
        ) from None

    if len(data) > max_bytes:
        raise _too_large(path, label, len(data), max_bytes)
    # A rewrite in the middle of the read could splice the old and the new content into valid
    # JSON that is neither, so only a read during which the file stayed the same counts.
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        return None
    return data


def _too_large(path: str, label: str, size: int, max_bytes: int) -> FileResponseError:
    logger.error(
        "%s %s is %d bytes, above the limit of %d bytes; raise the limit "
        "(USAGE_EXPORT_MAX_FILE_BYTES for the standalone exporter) to serve it",
        label, path, size, max_bytes,
    )
    return FileResponseError(json_response(
        500,
        {"error": "%s too large" % label, "size_bytes": size, "max_bytes": max_bytes, "path": path},
    ))


def _file_content_response(path: str, label: str, content: Any, headers: Dict[str, str]) -> Response:
    try:
        return json_response(200, content, headers)
    except ValueError:
        # Python's json module reads NaN and Infinity, but JSON has no such values, so the
        # sheet's JSON.parse would fail on them.
        logger.error("%s %s contains NaN or Infinity, which JSON does not allow", label, path)
        return json_response(500, {"error": "%s contains NaN or Infinity" % label, "path": path})


def _timestamp_seconds(entry: Any) -> Optional[float]:
    """Return an entry's timestamp in epoch seconds, or None when it has no usable timestamp.

    Like the sheet, this accepts a number or a numeric string, in seconds or milliseconds.
    """
    if not isinstance(entry, dict):
        return None
    value = entry.get("timestamp")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        # float() raises OverflowError for an int too large for a float, such as 10**400.
        return None
    if not math.isfinite(seconds):
        return None
    if abs(seconds) > MAX_PLAUSIBLE_SECONDS:
        seconds /= 1000
    return seconds


def _is_at_or_after(entry: Any, since_seconds: float) -> bool:
    seconds = _timestamp_seconds(entry)
    return seconds is None or seconds >= since_seconds
