"""Fixtures of the deployment tests: PostgreSQL (the suite's pg_url), two replicas and nginx."""
from __future__ import annotations

import shutil

import pytest

from tests.deploy.cluster import NGINX, Cluster


@pytest.fixture(scope="module")
def cluster(pg_url, tmp_path_factory):
    if not shutil.which(NGINX):
        pytest.skip("nginx is not installed (bash .ci/run installs it)")
    with Cluster(pg_url, tmp_path_factory.mktemp("cluster")) as running:
        yield running
