"""A real S3-compatible server on 127.0.0.1 for the object-storage tests: moto's standalone server.

`s3_server` (session) starts `moto_server` as a subprocess on a free loopback port and waits until it
answers; every client (boto3, django-storages, a browser-like HTTP client) talks HTTP to it, as to MinIO.
Missing moto (requirements-dev.txt): the test fails when CI=true, and is skipped with the reason otherwise.

`s3_storage` (per test) creates a bucket of its own and makes it Django's default storage, through the
same settings code as production (ntm.lib.scale.file_storage from a STORAGE_URL).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ACCESS_KEY = SECRET_KEY = "testing"
REGION = "us-east-1"


def _missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, *, timeout: float = 30.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode} before answering at {url}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"Nothing answered at {url} within {timeout} s")


class S3Server:
    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self, prefix: str = "ntm-test") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage_url(self, bucket: str) -> str:
        return (
            f"s3://{bucket}?endpoint_url={self.endpoint}&region={REGION}"
            f"&access_key={ACCESS_KEY}&secret_key={SECRET_KEY}"
        )

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def _moto_command() -> list[str]:
    try:
        import moto.server  # noqa: F401
        import storages.backends.s3  # noqa: F401
    except ImportError as exc:
        _missing(f"moto[server] and django-storages[s3] are needed (pip install -r requirements-dev.txt): {exc}")
    script = Path(sys.executable).with_name("moto_server")
    return [str(script)] if script.exists() else [shutil.which("moto_server") or "moto_server"]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free loopback port, for the whole test session."""
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    process = subprocess.Popen(
        [*_moto_command(), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/moto-api/", process=process)
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def s3_storage(s3_server, settings):
    """A fresh bucket as Django's default storage; yields a helper with .bucket, .keys(), .read()."""
    from ntm.lib.scale import file_storage

    bucket = s3_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": file_storage(
            {"STORAGE_URL": s3_server.storage_url(bucket)}, url_expiry=settings.NTM_STORAGE_URL_EXPIRY
        ),
    }

    class Bucket:
        name = bucket
        server = s3_server

        @staticmethod
        def keys(prefix: str = "") -> list[str]:
            return s3_server.keys(bucket, prefix)

        @staticmethod
        def read(key: str) -> bytes:
            return s3_server.read(bucket, key)

    yield Bucket
