#!/usr/bin/env python3
"""Serve the control panel's usage log and user statistics as read-only JSON over HTTP.

The control panel on each pod writes /workspace/user_data/usage_log.json and
user_statistics.json but serves no authenticated endpoint for them. This exporter serves
both files behind a bearer token so the sheet can fetch them through RunPod's public proxy.
It is configured by environment variables (see --help). The responses themselves are built
in usage_responses.py, which the panel's Flask app can also call from its own routes.
Standard library only, Python 3.8 or newer.
"""

import argparse
import json
import logging
import os
import re
import signal
import ssl
import sys
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from usage_responses import (
    DEFAULT_MAX_FILE_BYTES,
    Response,
    health_response,
    invalid_parameter_response,
    is_authorized,
    json_response,
    read_usage_log,
    read_user_stats,
    unauthorized_response,
)

logger = logging.getLogger("usage_exporter")

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 7778
DEFAULT_WORKSPACE_DIR = "/workspace"

# RFC 6750 b64token: the characters a bearer token may contain in an Authorization header.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
SHORT_TOKEN_LENGTH = 16


# --- Configuration -------------------------------------------------------------------------


class ConfigError(Exception):
    """An invalid or missing environment variable."""


@dataclass(frozen=True)
class Config:
    """Settings of the exporter, read from the environment by load_config()."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    usage_log_path: str = DEFAULT_WORKSPACE_DIR + "/user_data/usage_log.json"
    user_stats_path: str = DEFAULT_WORKSPACE_DIR + "/user_data/user_statistics.json"
    # None serves without authentication, which load_config() allows only with USAGE_EXPORT_ALLOW_OPEN=1.
    token: Optional[str] = None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    cert_path: Optional[str] = None
    key_path: Optional[str] = None


HELP_EPILOG = """\
environment variables:
  USAGE_EXPORT_TOKEN           bearer token that clients must send (required unless
                               USAGE_EXPORT_ALLOW_OPEN=1); RFC 6750 token characters only
  USAGE_EXPORT_ALLOW_OPEN      1 to serve without a token when USAGE_EXPORT_TOKEN is unset (default 0)
  USAGE_EXPORT_HOST            address to listen on (default 0.0.0.0)
  USAGE_EXPORT_PORT            TCP port to listen on, 0 for any free port (default 7778)
  USAGE_LOG_PATH               usage log file (default $WORKSPACE_DIR/user_data/usage_log.json)
  USER_STATS_PATH              user statistics file (default $WORKSPACE_DIR/user_data/user_statistics.json)
  WORKSPACE_DIR                the panel's workspace, used for the two defaults above (default /workspace)
  USAGE_EXPORT_MAX_FILE_BYTES  files larger than this many bytes get a 500 error unread (default 10485760)
  USAGE_EXPORT_CERT            PEM certificate chain: serve HTTPS instead of HTTP (set with USAGE_EXPORT_KEY)
  USAGE_EXPORT_KEY             PEM private key for USAGE_EXPORT_CERT
"""


def load_config(environ: Mapping[str, str]) -> Config:
    """Read the exporter's settings from environment variables. Raises ConfigError."""
    workspace = environ.get("WORKSPACE_DIR") or DEFAULT_WORKSPACE_DIR
    usage_log_path = environ.get("USAGE_LOG_PATH") or workspace + "/user_data/usage_log.json"
    user_stats_path = environ.get("USER_STATS_PATH") or workspace + "/user_data/user_statistics.json"

    port = _integer_setting(environ, "USAGE_EXPORT_PORT", DEFAULT_PORT, 0, 65535)
    max_file_bytes = _integer_setting(environ, "USAGE_EXPORT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES, 1, None)
    token = _token_setting(environ)

    cert_path = environ.get("USAGE_EXPORT_CERT") or None
    key_path = environ.get("USAGE_EXPORT_KEY") or None
    if (cert_path is None) != (key_path is None):
        raise ConfigError(
            "USAGE_EXPORT_CERT and USAGE_EXPORT_KEY must be set together to serve HTTPS; "
            "set both, or neither to serve plain HTTP"
        )

    return Config(
        host=environ.get("USAGE_EXPORT_HOST") or DEFAULT_HOST,
        port=port,
        usage_log_path=usage_log_path,
        user_stats_path=user_stats_path,
        token=token,
        max_file_bytes=max_file_bytes,
        cert_path=cert_path,
        key_path=key_path,
    )


def _integer_setting(environ: Mapping[str, str], name: str, default: int, minimum: int, maximum: Optional[int]) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        allowed = "from %d to %d" % (minimum, maximum) if maximum is not None else "of at least %d" % minimum
        raise ConfigError("%s must be an integer %s, got %r" % (name, allowed, raw))
    return value


def _token_setting(environ: Mapping[str, str]) -> Optional[str]:
    """Return the bearer token, or None when the operator explicitly chose to run open."""
    token = environ.get("USAGE_EXPORT_TOKEN", "").strip()
    allow_open = environ.get("USAGE_EXPORT_ALLOW_OPEN", "").strip()
    if allow_open not in ("", "0", "1"):
        raise ConfigError("USAGE_EXPORT_ALLOW_OPEN must be 1 or 0, got %r" % allow_open)

    if not token:
        if allow_open == "1":
            return None
        raise ConfigError(
            "USAGE_EXPORT_TOKEN is not set. Set it to a long random secret, for example the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))', and enter the same value "
            "as the bearer token in the sheet's Settings. To serve without authentication instead, "
            "set USAGE_EXPORT_ALLOW_OPEN=1: anyone who knows the pod's proxy URL can then read the files."
        )

    if not TOKEN_PATTERN.fullmatch(token):
        raise ConfigError(
            "USAGE_EXPORT_TOKEN contains characters that a bearer token cannot carry; use only "
            "letters, digits and - . _ ~ + / (with = at the end only), such as the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    if len(token) < SHORT_TOKEN_LENGTH:
        logger.warning(
            "USAGE_EXPORT_TOKEN is only %d characters long, which is easy to guess; use at least %d",
            len(token), SHORT_TOKEN_LENGTH,
        )
    if allow_open == "1":
        logger.warning("USAGE_EXPORT_ALLOW_OPEN=1 is ignored because USAGE_EXPORT_TOKEN is set")
    return token


# --- HTTP server ---------------------------------------------------------------------------


class UsageExportHandler(BaseHTTPRequestHandler):
    """Routes GET and HEAD requests to the responses above and logs one line per request."""

    server: "UsageExportServer"
    server_version = "usage-exporter"
    # Seconds a client may stay silent before its connection is closed, so stalled clients do
    # not hold threads forever.
    timeout = 30

    def version_string(self) -> str:
        """Return the Server header without the Python version that BaseHTTPRequestHandler adds."""
        return self.server_version

    def setup(self) -> None:
        # The listening socket defers the TLS handshake so that a slow client cannot block
        # accept(). It happens here, in the connection's own thread.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    def handle_one_request(self) -> None:
        self._started = time.monotonic()
        super().handle_one_request()

    def do_GET(self) -> None:
        self._respond(self._route(), include_body=True)

    def do_HEAD(self) -> None:
        self._respond(self._route(), include_body=False)

    def _method_not_allowed(self) -> None:
        self._respond(json_response(405, {"error": "method not allowed"}, {"Allow": "GET, HEAD"}), include_body=True)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_CONNECT = _method_not_allowed

    def _route(self) -> Response:
        config = self.server.config
        url = urlsplit(self.path)
        if url.path == "/healthz":
            return health_response()

        # Check the token before matching routes, so that without it every path looks the same.
        if config.token is not None and not is_authorized(self.headers.get("Authorization"), config.token):
            return unauthorized_response()

        if url.path == "/usage-log":
            since_values = parse_qs(url.query, keep_blank_values=True).get("since", [])
            if len(since_values) > 1:
                return invalid_parameter_response("since", "since must appear at most once")
            since = since_values[0] if since_values else None
            return read_usage_log(config.usage_log_path, since, max_bytes=config.max_file_bytes)
        if url.path == "/user-stats":
            return read_user_stats(config.user_stats_path, max_bytes=config.max_file_bytes)
        return json_response(404, {"error": "not found"})

    def _respond(self, response: Response, include_body: bool) -> None:
        status, headers, body = response
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        sent = 0
        if include_body:
            self.wfile.write(body)
            sent = len(body)
        self._log_access(status, sent)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """Send a JSON error for requests that BaseHTTPRequestHandler rejects itself.

        Those are malformed requests, over-long request lines and unknown methods. The body
        carries only the standard reason phrase, never the client's input.
        """
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "error"
        self.close_connection = True
        include_body = getattr(self, "command", None) != "HEAD"
        self._respond(json_response(code, {"error": phrase.lower()}), include_body)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """Skip the standard access line, because _respond() logs its own with the duration."""

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)

    def _log_access(self, status: int, sent_bytes: int) -> None:
        # Only the path is logged: the query is left out, and request headers such as
        # Authorization never are. json.dumps escapes control characters a client put in the path.
        raw_path = getattr(self, "path", "") or ""
        duration_ms = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
        logger.info(
            "%s %s %s %d %d bytes %.1f ms",
            self.client_address[0],
            getattr(self, "command", None) or "-",
            json.dumps(_shorten(urlsplit(raw_path).path)),
            status,
            sent_bytes,
            duration_ms,
        )


MAX_LOGGED_PATH_CHARS = 200


def _shorten(path: str) -> str:
    """Cut a logged path, so that clients without the token cannot fill the log with long URLs."""
    if len(path) <= MAX_LOGGED_PATH_CHARS:
        return path
    return "%s... (%d characters)" % (path[:MAX_LOGGED_PATH_CHARS], len(path))


class UsageExportServer(ThreadingHTTPServer):
    """A threaded HTTP server, or HTTPS when given a TLS context, that carries the exporter's Config."""

    # The standard library listens with a backlog of 5, so a burst of connections waited for
    # the client's SYN retries, seconds each; the sheet's fetchAll may open several at once.
    request_queue_size = 64

    def __init__(self, config: Config, tls_context: Optional[ssl.SSLContext] = None):
        self.config = config
        super().__init__((config.host, config.port), UsageExportHandler)
        if tls_context is not None:
            # The handshake is deferred to UsageExportHandler.setup(), off the accept loop.
            self.socket = tls_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    @property
    def scheme(self) -> str:
        return "https" if isinstance(self.socket, ssl.SSLSocket) else "http"

    def handle_error(self, request: Any, client_address: Tuple[str, int]) -> None:
        """Log a failed connection, such as a TLS handshake error or a dropped client, in one line."""
        error = sys.exc_info()[1]
        logger.warning("connection from %s failed: %s: %s", client_address[0], type(error).__name__, error)


def make_tls_context(cert_path: str, key_path: str) -> ssl.SSLContext:
    """Load a PEM certificate chain and private key for serving HTTPS. Raises OSError or ssl.SSLError."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


def _describe_auth(config: Config) -> str:
    if config.token is None:
        return "OPEN: no token required, anyone who can reach this port can read the files"
    return "bearer token required"


def main(argv: Optional[List[str]] = None) -> int:
    """Start the exporter from environment variables and serve until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(
        description="Serve the RunPod control panel's usage log and user statistics as read-only JSON.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)

    try:
        config = load_config(os.environ)
    except ConfigError as error:
        logger.error("not starting: %s", error)
        return 2

    tls_context = None
    if config.cert_path and config.key_path:
        try:
            tls_context = make_tls_context(config.cert_path, config.key_path)
        except (OSError, ssl.SSLError) as error:
            logger.error(
                "not starting: failed to load the certificate %s and key %s: %s",
                config.cert_path, config.key_path, error,
            )
            return 2

    try:
        server = UsageExportServer(config, tls_context)
    except OSError as error:
        logger.error("not starting: failed to listen on %s:%d: %s", config.host, config.port, error)
        return 1

    signal.signal(signal.SIGTERM, _exit_on_signal)
    host, port = server.server_address[:2]
    logger.info(
        "listening on %s://%s:%d; usage log %s; user stats %s; %s",
        server.scheme, host, port, config.usage_log_path, config.user_stats_path, _describe_auth(config),
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        logger.info("stopped")
    return 0


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    sys.exit(main())
