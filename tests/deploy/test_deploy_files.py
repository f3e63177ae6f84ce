"""deploy/ says what the app and the README say: the same upload limit, the shared settings, the
websocket and its timeouts, stickiness by a cookie, and a config nginx accepts."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from core.config import ROOT
from tests.deploy.cluster import ENV_FILE, NGINX, env_file, nginx_site, replica_command, unit_service


def _site() -> str:
    return nginx_site.render("127.0.0.1:8080", ["127.0.0.1:8501", "127.0.0.1:8502"], "/tmp")


def _location(site: str, path: str) -> str:
    return re.search(r"location " + re.escape(path) + r" \{(.*?)\n    \}", site, re.DOTALL).group(1)


def test_the_upload_limit_is_the_apps():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    megabytes = config["server"]["maxUploadSize"]
    assert re.findall(r"client_max_body_size (\S+);", _site()) == [f"{megabytes}m"]


def test_the_websocket_is_upgraded_and_kept_open():
    stream = _location(_site(), "/_stcore/stream")
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $zjjt_connection;" in stream
    assert "proxy_read_timeout 1d;" in stream


def test_sessions_stick_by_a_cookie_not_by_the_address():
    site = _site()
    upstream = re.search(r"upstream zjjt_platform \{(.*?)\}", site, re.DOTALL).group(1)
    assert "hash $zjjt_route consistent;" in upstream
    assert "$remote_addr" not in upstream and "ip_hash" not in upstream
    assert not re.search(r"^\s*keepalive\s", upstream, re.M)  # see the site's comment
    assert "server 127.0.0.1:8501 max_fails=3" in upstream
    assert "server 127.0.0.1:8502 max_fails=3" in upstream


@pytest.mark.skipif(not shutil.which(NGINX), reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path):
    (tmp_path / "site.conf").write_text(_site())
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log stderr; events {{}} "
        f"http {{ include {tmp_path}/site.conf; }}")
    done = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_render_command_of_the_readme_writes_the_site():
    done = subprocess.run([sys.executable, "deploy/nginx_site.py", "--listen", "127.0.0.1:8080",
                           "--replica", "127.0.0.1:8501", "--replica", "127.0.0.1:8502",
                           "--log-dir", "/tmp"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == _site()


def test_every_replica_shares_the_keys_and_xsrf_is_on():
    values = env_file()
    for key in ("DATABASE_URL", "COOKIE_KEY", "STREAMLIT_SERVER_COOKIE_SECRET"):
        assert key in values
    assert values["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert values["DEMO"] == "0"
    assert unit_service()["EnvironmentFile"] == "/etc/zjjt-platform/replica.env"


def test_an_unedited_env_file_is_refused(tmp_path):
    """replica.env as shipped (COOKIE_KEY=change-me) must not run: exit 3, the key's message."""
    env = {**{k: v for k, v in __import__("os").environ.items() if k != "COOKIE_KEY"},
           **env_file(ENV_FILE), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run([sys.executable, "-m", "core", "db", "status", "--json", "--lang", "en"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 3 and '"config.cookie_key_missing"' in done.stdout


def test_the_unit_starts_streamlit_on_its_instance_port():
    command = replica_command(8599)
    assert command[1:5] == ["-m", "streamlit", "run", "app.py"]
    assert command[command.index("--server.port") + 1] == "8599"


def test_the_readme_deployment_section_is_what_the_tests_run():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Deploying on PostgreSQL with several replicas", 1)[1].split("\n## ", 1)[0]
    for needed in ("deploy/replica.env", "deploy/zjjt-platform@.service", "deploy/nginx_site.py",
                   "python -m core db init", "python -m core user add",
                   "systemctl enable --now zjjt-platform@8501 zjjt-platform@8502",
                   "tests/deploy", "DB_POOL_SIZE", "zjjt_route"):
        assert needed in section, needed


def test_the_site_sends_the_security_headers_streamlit_cannot():
    site = _site()
    for header in ("X-Content-Type-Options nosniff", "Content-Security-Policy \"frame-ancestors 'self'\"",
                   "X-Frame-Options SAMEORIGIN"):
        assert f"add_header {header} always;" in site, header
