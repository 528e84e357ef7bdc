"""Tests for the usage exporter: responses, configuration, the HTTP server and the program.

Run from the repository root with: python3 -m unittest discover -s pod -v
Servers bind to 127.0.0.1 on a free port, and nothing else on the network is contacted.
"""

import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from unittest import mock

import usage_responses
from usage_exporter import Config, ConfigError, UsageExportServer, load_config, make_tls_context
from usage_responses import is_authorized, read_usage_log

POD_DIR = Path(__file__).resolve().parent
EXPORTER_SCRIPT = POD_DIR / "usage_exporter.py"
FIXTURE_DIR = POD_DIR.parent / "test" / "data" / "control-panel"
# A 1000-entry log as the panel writes it (indent=2), beginning with a stop whose start was dropped.
FULL_LOG_PATH = FIXTURE_DIR / "f6g7h8i9j0-usage_log.json"
USER_STATS_FIXTURE_PATH = FIXTURE_DIR / "k1l2m3n4o5-api_user_stats.json"

TOKEN = "test-token-3f9c2a7b81d04e6a"
OTHER_TOKEN = "wrong-token-0000000000000000"

EXPORTER_VARIABLES = (
    "USAGE_EXPORT_TOKEN",
    "USAGE_EXPORT_ALLOW_OPEN",
    "USAGE_EXPORT_HOST",
    "USAGE_EXPORT_PORT",
    "USAGE_LOG_PATH",
    "USER_STATS_PATH",
    "WORKSPACE_DIR",
    "USAGE_EXPORT_MAX_FILE_BYTES",
    "USAGE_EXPORT_CERT",
    "USAGE_EXPORT_KEY",
)


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


class ServerTestCase(unittest.TestCase):
    """Starts an exporter on 127.0.0.1 with a free port and a temporary user_data folder."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.log_path = os.path.join(directory.name, "usage_log.json")
        self.stats_path = os.path.join(directory.name, "user_statistics.json")

        config = Config(
            host="127.0.0.1",
            port=0,
            usage_log_path=self.log_path,
            user_stats_path=self.stats_path,
            token=TOKEN,
        )
        self.server = UsageExportServer(config)
        self.addCleanup(self.server.server_close)
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self.server.shutdown)

    def write_log(self, data: bytes) -> None:
        with open(self.log_path, "wb") as file:
            file.write(data)

    def request(
        self, method: str, path: str, token: Optional[str] = TOKEN, headers: Optional[Dict[str, str]] = None
    ) -> Tuple[int, http.client.HTTPMessage, bytes]:
        request_headers = dict(headers or {})
        if token is not None:
            request_headers["Authorization"] = "Bearer " + token
        connection = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=5)
        try:
            connection.request(method, path, headers=request_headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


class AuthenticationTests(ServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.write_log(FULL_LOG_PATH.read_bytes())

    def test_health_check_needs_no_token(self) -> None:
        status, headers, body = self.request("GET", "/healthz", token=None)
        self.assertEqual(status, 200)
        self.assertEqual(body, b'{"ok":true}')
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(headers["Server"], "usage-exporter")

    def test_no_token_returns_401(self) -> None:
        status, headers, body = self.request("GET", "/usage-log", token=None)
        self.assertEqual(status, 401)
        self.assertEqual(body, b'{"error":"unauthorized"}')
        self.assertEqual(headers["WWW-Authenticate"], "Bearer")
        self.assertNotIn("X-Log-Entries", headers)

    def test_wrong_token_returns_401(self) -> None:
        status, headers, body = self.request("GET", "/usage-log", token=OTHER_TOKEN)
        self.assertEqual(status, 401)
        self.assertEqual(body, b'{"error":"unauthorized"}')
        self.assertEqual(headers["WWW-Authenticate"], "Bearer")

    def test_other_schemes_return_401(self) -> None:
        for authorization in ("Basic " + TOKEN, TOKEN, "Bearer", "Bearer " + TOKEN + "x", "Bearer " + TOKEN[:-1]):
            with self.subTest(authorization=authorization):
                status, _, body = self.request("GET", "/user-stats", token=None, headers={"Authorization": authorization})
                self.assertEqual(status, 401)
                self.assertEqual(body, b'{"error":"unauthorized"}')

    def test_unknown_path_hidden_without_token(self) -> None:
        status, _, body = self.request("GET", "/api/user_stats", token=None)
        self.assertEqual(status, 401)
        self.assertEqual(body, b'{"error":"unauthorized"}')

        status, _, body = self.request("GET", "/api/user_stats")
        self.assertEqual(status, 404)
        self.assertEqual(body, b'{"error":"not found"}')

    def test_post_returns_405(self) -> None:
        for path in ("/usage-log", "/healthz"):
            with self.subTest(path=path):
                status, headers, body = self.request("POST", path)
                self.assertEqual(status, 405)
                self.assertEqual(body, b'{"error":"method not allowed"}')
                self.assertEqual(headers["Allow"], "GET, HEAD")

    def test_unknown_method_returns_json_501(self) -> None:
        status, headers, body = self.request("BREW", "/usage-log")
        self.assertEqual(status, 501)
        self.assertEqual(body, b'{"error":"not implemented"}')
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")


class UsageLogEndpointTests(ServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.entries = json.loads(FULL_LOG_PATH.read_bytes())

    def test_full_log_served_compactly(self) -> None:
        self.write_log(FULL_LOG_PATH.read_bytes())

        status, headers, body = self.request("GET", "/usage-log")

        self.assertEqual(status, 200)
        self.assertEqual(body, compact(self.entries))
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertEqual(headers["Content-Length"], str(len(body)))
        self.assertEqual(headers["X-Log-Entries"], "1000")
        self.assertEqual(headers["X-Log-First-Timestamp"], "1773170952.629714")

    def test_since_returns_entries_at_or_after(self) -> None:
        self.write_log(FULL_LOG_PATH.read_bytes())
        since = self.entries[500]["timestamp"]

        status, headers, body = self.request("GET", "/usage-log?since=%r" % since)

        self.assertEqual(status, 200)
        returned = json.loads(body)
        self.assertEqual(returned, [entry for entry in self.entries if entry["timestamp"] >= since])
        self.assertEqual(returned[0], self.entries[500])
        self.assertEqual(len(returned), 500)
        self.assertEqual(headers["X-Log-Entries"], "1000")
        self.assertEqual(headers["X-Log-First-Timestamp"], "1773170952.629714")

    def test_invalid_utf8_byte_is_replaced(self) -> None:
        self.write_log(b'[{"user": "caf\xe9", "action": "start", "timestamp": 1794322676.5}]')

        status, _, body = self.request("GET", "/usage-log")

        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), [{"user": "caf\ufffd", "action": "start", "timestamp": 1794322676.5}])

    def test_since_in_future_returns_empty_list(self) -> None:
        self.write_log(FULL_LOG_PATH.read_bytes())
        since = int(time.time()) + 10 * 365 * 86400

        status, headers, body = self.request("GET", "/usage-log?since=%d" % since)

        self.assertEqual(status, 200)
        self.assertEqual(body, b"[]")
        self.assertEqual(headers["X-Log-Entries"], "1000")

    def test_since_not_a_number_returns_400(self) -> None:
        self.write_log(FULL_LOG_PATH.read_bytes())
        expected = (
            b'{"error":"invalid query parameter","parameter":"since","detail":"since must be a finite number '
            b'of seconds since the Unix epoch, such as 1794357355.34"}'
        )
        for query in ("since=abc", "since=", "since=nan", "since=inf", "since=1e999", "since=12h", "since=1_794_000_000", "since=%201e9"):
            with self.subTest(query=query):
                status, headers, body = self.request("GET", "/usage-log?" + query)
                self.assertEqual(status, 400)
                self.assertEqual(body, expected)
                self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")

    def test_since_in_milliseconds_is_read_as_such(self) -> None:
        self.write_log(FULL_LOG_PATH.read_bytes())
        since = self.entries[500]["timestamp"]

        status, _, body = self.request("GET", "/usage-log?since=%d" % (since * 1000))

        self.assertEqual(status, 200)
        self.assertEqual(len(json.loads(body)), len([entry for entry in self.entries if entry["timestamp"] >= int(since * 1000) / 1000]))

    def test_since_given_twice_returns_400(self) -> None:
        self.write_log(FULL_LOG_PATH.read_bytes())

        status, _, body = self.request("GET", "/usage-log?since=1&since=2")

        self.assertEqual(status, 400)
        self.assertEqual(
            body,
            b'{"error":"invalid query parameter","parameter":"since","detail":"since must appear at most once"}',
        )

    def test_missing_file_returns_404(self) -> None:
        status, _, body = self.request("GET", "/usage-log")

        self.assertEqual(status, 404)
        self.assertEqual(body, ('{"error":"usage log not found","path":"%s"}' % self.log_path).encode())

    def test_torn_file_returns_503(self) -> None:
        data = FULL_LOG_PATH.read_bytes()
        self.write_log(data[: len(data) // 2])

        with self.assertLogs("usage_exporter", "WARNING") as logs:
            status, headers, body = self.request("GET", "/usage-log")

        self.assertEqual(status, 503)
        self.assertEqual(
            body,
            (
                '{"error":"log busy","detail":"the file was empty, changing or not valid JSON on 5 reads 50 ms apart; '
                'the control panel may be rewriting it","path":"%s"}' % self.log_path
            ).encode(),
        )
        self.assertEqual(headers["Retry-After"], "5")
        self.assertIn("invalid JSON", logs.output[0])

    def test_empty_file_returns_503(self) -> None:
        self.write_log(b"")

        with self.assertLogs("usage_exporter", "WARNING") as logs:
            status, headers, body = self.request("GET", "/usage-log")

        self.assertEqual(status, 503)
        self.assertEqual(
            body,
            (
                '{"error":"log busy","detail":"the file was empty, changing or not valid JSON on 5 reads 50 ms apart; '
                'the control panel may be rewriting it","path":"%s"}' % self.log_path
            ).encode(),
        )
        self.assertEqual(headers["Retry-After"], "5")
        self.assertIn("file is empty", logs.output[0])

    def test_huge_file_rejected_unread(self) -> None:
        # A sparse 200 MiB file: the exporter must reject it from its size alone.
        with open(self.log_path, "wb") as file:
            file.truncate(200 * 1024 * 1024)

        with self.assertLogs("usage_exporter", "ERROR"):
            with mock.patch("usage_responses.open", create=True, side_effect=AssertionError("the file was opened")):
                status, _, body = self.request("GET", "/usage-log")

        self.assertEqual(status, 500)
        self.assertEqual(
            body,
            (
                '{"error":"usage log too large","size_bytes":209715200,"max_bytes":10485760,"path":"%s"}'
                % self.log_path
            ).encode(),
        )

    def test_object_instead_of_array_returns_500(self) -> None:
        self.write_log(b'{"user": "alice"}')

        with self.assertLogs("usage_exporter", "ERROR"):
            status, _, body = self.request("GET", "/usage-log")

        self.assertEqual(status, 500)
        self.assertEqual(body, ('{"error":"usage log is not a JSON array","path":"%s"}' % self.log_path).encode())

    def test_head_returns_headers_only(self) -> None:
        self.write_log(FULL_LOG_PATH.read_bytes())
        _, _, get_body = self.request("GET", "/usage-log")

        status, headers, body = self.request("HEAD", "/usage-log")

        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertEqual(headers["Content-Length"], str(len(get_body)))
        self.assertEqual(headers["X-Log-Entries"], "1000")


class UserStatsEndpointTests(ServerTestCase):
    def test_user_stats_served_compactly(self) -> None:
        shutil.copyfile(USER_STATS_FIXTURE_PATH, self.stats_path)

        status, headers, body = self.request("GET", "/user-stats")

        self.assertEqual(status, 200)
        self.assertEqual(body, compact(json.loads(USER_STATS_FIXTURE_PATH.read_bytes())))
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertNotIn("X-Log-Entries", headers)

    def test_missing_user_stats_returns_404(self) -> None:
        status, _, body = self.request("GET", "/user-stats")

        self.assertEqual(status, 404)
        self.assertEqual(body, ('{"error":"user stats not found","path":"%s"}' % self.stats_path).encode())

    def test_torn_user_stats_returns_503(self) -> None:
        data = USER_STATS_FIXTURE_PATH.read_bytes()
        with open(self.stats_path, "wb") as file:
            file.write(data[:100])

        with self.assertLogs("usage_exporter", "WARNING"):
            status, headers, body = self.request("GET", "/user-stats")

        self.assertEqual(status, 503)
        self.assertEqual(json.loads(body)["error"], "user stats busy")
        self.assertEqual(headers["Retry-After"], "5")


class ReadUsageLogTests(unittest.TestCase):
    """read_usage_log() called directly, as a Flask route would."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = os.path.join(directory.name, "usage_log.json")

    def write(self, data: bytes) -> None:
        with open(self.path, "wb") as file:
            file.write(data)

    def test_retry_reads_file_after_rewrite(self) -> None:
        full = FULL_LOG_PATH.read_bytes()
        self.write(full[:1000])

        # The first read gets a torn file. The panel finishes its write while the exporter waits.
        with mock.patch.object(usage_responses.time, "sleep", side_effect=lambda seconds: self.write(full)) as sleep:
            status, headers, body = read_usage_log(self.path)

        self.assertEqual(status, 200)
        self.assertEqual(sleep.call_count, 1)
        self.assertEqual(headers["X-Log-Entries"], "1000")
        self.assertEqual(json.loads(body), json.loads(full))

    def test_rewrite_during_read_is_read_again(self) -> None:
        old = [{"user": "alice", "action": "start", "timestamp": 1794000000.5}]
        new = old + [{"user": "alice", "action": "stop", "timestamp": 1794000100.0}]
        self.write(json.dumps(old).encode())
        real_fstat = os.fstat
        fstat_calls = []

        def fstat_with_rewrite(descriptor: int) -> os.stat_result:
            # The second call comes after the first read: the panel rewrote the file during it.
            fstat_calls.append(descriptor)
            if len(fstat_calls) == 2:
                self.write(json.dumps(new, indent=2).encode())
            return real_fstat(descriptor)

        with mock.patch.object(usage_responses.os, "fstat", side_effect=fstat_with_rewrite), \
                mock.patch.object(usage_responses.time, "sleep") as sleep:
            status, headers, body = read_usage_log(self.path)

        self.assertEqual(status, 200)
        self.assertEqual(sleep.call_count, 1)
        self.assertEqual(json.loads(body), new)
        self.assertEqual(headers["X-Log-Entries"], "2")

    def test_filter_keeps_entries_without_timestamp(self) -> None:
        entries = [
            {"user": "alice", "action": "start", "timestamp": 1794000000.5},
            {"user": "alice", "action": "stop"},
            {"user": "bruno", "action": "start", "timestamp": "not a time"},
            {"user": "bruno", "action": "stop", "timestamp": 1794000100.0},
        ]
        self.write(json.dumps(entries).encode())

        status, _, body = read_usage_log(self.path, "1794000050")

        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), entries[1:])

    def test_filter_reads_milliseconds_and_strings(self) -> None:
        entries = [
            {"user": "chen", "action": "start", "timestamp": 1794000000000},
            {"user": "chen", "action": "stop", "timestamp": "1794000100.25"},
            {"user": "dana", "action": "start", "timestamp": 1794000200123},
        ]
        self.write(json.dumps(entries).encode())

        status, headers, body = read_usage_log(self.path, 1794000100.25)

        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), entries[1:])
        self.assertEqual(headers["X-Log-First-Timestamp"], "1794000000.0")

    def test_huge_integer_timestamp_counts_as_missing(self) -> None:
        # json.loads reads the digits as a Python int, which float() cannot convert.
        huge = {"user": "alice", "action": "start", "timestamp": 10 ** 400}
        later = {"user": "alice", "action": "stop", "timestamp": 1794000100.0}
        self.write(json.dumps([huge, later]).encode())

        status, headers, body = read_usage_log(self.path, "1794000050")

        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), [huge, later])
        self.assertEqual(headers["X-Log-Entries"], "2")
        self.assertNotIn("X-Log-First-Timestamp", headers)

    def test_empty_array_has_no_first_timestamp(self) -> None:
        self.write(b"[]")

        status, headers, body = read_usage_log(self.path)

        self.assertEqual(status, 200)
        self.assertEqual(body, b"[]")
        self.assertEqual(headers["X-Log-Entries"], "0")
        self.assertNotIn("X-Log-First-Timestamp", headers)

    def test_nan_in_file_returns_500(self) -> None:
        self.write(b'[{"user": "alice", "action": "stop", "timestamp": 1794000000, "cost": NaN}]')

        with self.assertLogs("usage_exporter", "ERROR"):
            status, _, body = read_usage_log(self.path)

        self.assertEqual(status, 500)
        self.assertEqual(body, ('{"error":"usage log contains NaN or Infinity","path":"%s"}' % self.path).encode())

    def test_authorization_header_parsing(self) -> None:
        self.assertTrue(is_authorized("Bearer " + TOKEN, TOKEN))
        self.assertTrue(is_authorized("bearer " + TOKEN, TOKEN))
        self.assertTrue(is_authorized("  Bearer   " + TOKEN + " ", TOKEN))
        self.assertFalse(is_authorized(None, TOKEN))
        self.assertFalse(is_authorized("Bearer ", ""))
        self.assertFalse(is_authorized("Bearer \u00e9" + TOKEN, TOKEN))


class LoadConfigTests(unittest.TestCase):
    def test_defaults_match_panel(self) -> None:
        config = load_config({"USAGE_EXPORT_TOKEN": TOKEN})

        self.assertEqual(config.host, "0.0.0.0")
        self.assertEqual(config.port, 7778)
        self.assertEqual(config.usage_log_path, "/workspace/user_data/usage_log.json")
        self.assertEqual(config.user_stats_path, "/workspace/user_data/user_statistics.json")
        self.assertEqual(config.token, TOKEN)
        self.assertEqual(config.max_file_bytes, 10 * 1024 * 1024)
        self.assertIsNone(config.cert_path)
        self.assertIsNone(config.key_path)

    def test_workspace_dir_moves_default_paths(self) -> None:
        config = load_config({"USAGE_EXPORT_TOKEN": TOKEN, "WORKSPACE_DIR": "/data"})

        self.assertEqual(config.usage_log_path, "/data/user_data/usage_log.json")
        self.assertEqual(config.user_stats_path, "/data/user_data/user_statistics.json")

    def test_variables_override_defaults(self) -> None:
        config = load_config({
            "USAGE_EXPORT_TOKEN": TOKEN,
            "USAGE_EXPORT_HOST": "127.0.0.1",
            "USAGE_EXPORT_PORT": "9000",
            "USAGE_LOG_PATH": "/tmp/log.json",
            "USER_STATS_PATH": "/tmp/stats.json",
            "USAGE_EXPORT_MAX_FILE_BYTES": "2048",
            "USAGE_EXPORT_CERT": "/tmp/cert.pem",
            "USAGE_EXPORT_KEY": "/tmp/key.pem",
        })

        self.assertEqual(config, Config(
            host="127.0.0.1",
            port=9000,
            usage_log_path="/tmp/log.json",
            user_stats_path="/tmp/stats.json",
            token=TOKEN,
            max_file_bytes=2048,
            cert_path="/tmp/cert.pem",
            key_path="/tmp/key.pem",
        ))

    def test_allow_open_runs_without_token(self) -> None:
        self.assertIsNone(load_config({"USAGE_EXPORT_ALLOW_OPEN": "1"}).token)

    def test_invalid_settings_raise(self) -> None:
        cases = {
            "no token": ({}, "USAGE_EXPORT_TOKEN is not set"),
            "allow open 0": ({"USAGE_EXPORT_ALLOW_OPEN": "0"}, "USAGE_EXPORT_TOKEN is not set"),
            "allow open true": ({"USAGE_EXPORT_ALLOW_OPEN": "true"}, "must be 1 or 0, got 'true'"),
            "token with space": ({"USAGE_EXPORT_TOKEN": "two words here long"}, "cannot carry"),
            "port text": ({"USAGE_EXPORT_TOKEN": TOKEN, "USAGE_EXPORT_PORT": "http"}, "from 0 to 65535, got 'http'"),
            "port too big": ({"USAGE_EXPORT_TOKEN": TOKEN, "USAGE_EXPORT_PORT": "70000"}, "from 0 to 65535"),
            "max bytes zero": ({"USAGE_EXPORT_TOKEN": TOKEN, "USAGE_EXPORT_MAX_FILE_BYTES": "0"}, "at least 1"),
            "cert without key": ({"USAGE_EXPORT_TOKEN": TOKEN, "USAGE_EXPORT_CERT": "/tmp/c.pem"}, "set together"),
        }
        for name, (environ, message) in cases.items():
            with self.subTest(name):
                with self.assertRaises(ConfigError) as raised:
                    load_config(environ)
                self.assertIn(message, str(raised.exception))


class ExporterProcess:
    """usage_exporter.py run as a program on 127.0.0.1, with its stderr collected."""

    def __init__(self, environ: Dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, str(EXPORTER_SCRIPT)],
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr_lines: List[str] = []
        self.stdout = ""
        self.port = self._wait_for_port()

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.process.stderr], [], [], 0.1)
            if not readable:
                continue
            line = self.process.stderr.readline()
            if not line:
                break
            self.stderr_lines.append(line)
            match = re.search(r"listening on https?://127\.0\.0\.1:(\d+);", line)
            if match:
                return int(match.group(1))
        self.stop()
        raise AssertionError("exporter did not start; its stderr was:\n" + self.stderr)

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    def stop(self) -> int:
        """Send SIGTERM, collect the rest of the output and return the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        stdout, stderr = self.process.communicate(timeout=5)
        self.stdout += stdout
        self.stderr_lines.append(stderr)
        return self.process.returncode


def exporter_environment(**variables: str) -> Dict[str, str]:
    environ = {name: value for name, value in os.environ.items() if name not in EXPORTER_VARIABLES}
    environ.update(variables)
    return environ


class ProgramTests(unittest.TestCase):
    """usage_exporter.py started as the pod's start command would start it."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = directory.name
        self.log_path = os.path.join(self.directory, "usage_log.json")
        shutil.copyfile(FULL_LOG_PATH, self.log_path)

    def start(self, **variables: str) -> ExporterProcess:
        environ = exporter_environment(
            USAGE_EXPORT_HOST="127.0.0.1",
            USAGE_EXPORT_PORT="0",
            USAGE_LOG_PATH=self.log_path,
            USER_STATS_PATH=os.path.join(self.directory, "user_statistics.json"),
            **variables,
        )
        exporter = ExporterProcess(environ)
        self.addCleanup(lambda: exporter.process.poll() is not None or exporter.stop())
        return exporter

    def test_refuses_to_start_without_token(self) -> None:
        result = subprocess.run(
            [sys.executable, str(EXPORTER_SCRIPT)],
            env=exporter_environment(USAGE_EXPORT_HOST="127.0.0.1", USAGE_EXPORT_PORT="0"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
        )

        self.assertEqual(result.returncode, 2)
        self.assertIn("not starting: USAGE_EXPORT_TOKEN is not set", result.stderr)
        self.assertIn("USAGE_EXPORT_ALLOW_OPEN=1", result.stderr)
        self.assertNotIn("listening", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_log_lines_never_contain_token(self) -> None:
        exporter = self.start(USAGE_EXPORT_TOKEN=TOKEN)
        connection = http.client.HTTPConnection("127.0.0.1", exporter.port, timeout=5)
        requests = [
            ("GET", "/usage-log?since=1773170952.629714", TOKEN, 200),
            ("GET", "/usage-log", OTHER_TOKEN, 401),
            ("HEAD", "/user-stats", TOKEN, 404),
            ("GET", "/healthz", None, 200),
        ]
        for method, path, token, expected_status in requests:
            headers = {"Authorization": "Bearer " + token} if token else {}
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            response.read()
            self.assertEqual(response.status, expected_status, path)
            connection.close()

        exit_code = exporter.stop()

        self.assertEqual(exit_code, 0)
        self.assertNotIn(TOKEN, exporter.stderr)
        self.assertNotIn(OTHER_TOKEN, exporter.stderr)
        self.assertNotIn("since=", exporter.stderr)
        self.assertEqual(exporter.stdout, "")
        self.assertRegex(exporter.stderr, r'INFO 127\.0\.0\.1 GET "/usage-log" 200 \d+ bytes \d+\.\d ms')
        self.assertRegex(exporter.stderr, r'INFO 127\.0\.0\.1 GET "/usage-log" 401 24 bytes \d+\.\d ms')
        self.assertRegex(exporter.stderr, r'INFO 127\.0\.0\.1 HEAD "/user-stats" 404 0 bytes \d+\.\d ms')
        self.assertRegex(exporter.stderr, r'INFO 127\.0\.0\.1 GET "/healthz" 200 11 bytes \d+\.\d ms')
        self.assertIn("INFO stopped", exporter.stderr)

    def test_long_paths_are_cut_in_the_log(self) -> None:
        exporter = self.start(USAGE_EXPORT_TOKEN=TOKEN)
        connection = http.client.HTTPConnection("127.0.0.1", exporter.port, timeout=5)
        connection.request("GET", "/" + "x" * 5000)
        response = connection.getresponse()
        response.read()
        connection.close()

        exporter.stop()

        self.assertEqual(response.status, 401)
        self.assertIn("... (5001 characters)", exporter.stderr)
        self.assertNotIn("x" * 201, exporter.stderr)

    def test_https_with_self_signed_certificate(self) -> None:
        if shutil.which("openssl") is None:
            self.skipTest("the openssl command is not installed, so no self-signed certificate can be made")
        cert_path = os.path.join(self.directory, "cert.pem")
        key_path = os.path.join(self.directory, "key.pem")
        result = subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key_path, "-out", cert_path, "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        self.assertEqual(result.returncode, 0, "openssl failed to make a certificate:\n" + result.stderr)
        make_tls_context(cert_path, key_path)  # Fails here, with OpenSSL's reason, if the files are unusable.

        exporter = self.start(USAGE_EXPORT_TOKEN=TOKEN, USAGE_EXPORT_CERT=cert_path, USAGE_EXPORT_KEY=key_path)
        self.assertIn("listening on https://127.0.0.1:", exporter.stderr)

        # A client that connects but never starts the TLS handshake must not hold up the others.
        silent_client = socket.create_connection(("127.0.0.1", exporter.port), timeout=5)
        self.addCleanup(silent_client.close)

        client_context = ssl.create_default_context(cafile=cert_path)
        connection = http.client.HTTPSConnection("127.0.0.1", exporter.port, timeout=5, context=client_context)
        try:
            connection.request("GET", "/usage-log", headers={"Authorization": "Bearer " + TOKEN})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()

        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers["X-Log-Entries"], "1000")
        self.assertEqual(body, compact(json.loads(FULL_LOG_PATH.read_bytes())))

        # A plain HTTP client gets no response, and the server logs the failed handshake.
        plain = http.client.HTTPConnection("127.0.0.1", exporter.port, timeout=5)
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            plain.request("GET", "/healthz")
            plain.getresponse().read()
        plain.close()

        self.assertEqual(exporter.stop(), 0)
        self.assertIn("WARNING connection from 127.0.0.1 failed", exporter.stderr)


if __name__ == "__main__":
    unittest.main()
