"""The nginx of the load benchmark: the repository's template filled in, the README's copy of it,
a complete configuration kept in its temporary folder, the access log read back
(bench/proxy.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bench.proxy import (
    TEMPLATE,
    logged_requests,
    main_config,
    nginx_binary,
    site_config,
    upstreams_by_path,
)

ROOT = Path(__file__).resolve().parents[2]


def test_template_filled_with_the_listen_address_and_every_server():
    config = site_config("127.0.0.1:8080", ["127.0.0.1:9001", "127.0.0.1:9002"])
    assert "    listen 127.0.0.1:8080;\n" in config
    assert "    server 127.0.0.1:9001;\n    server 127.0.0.1:9002;\n" in config
    assert "server_name localhost;" in config
    assert "@" not in config
    assert "hash $cotation_route consistent;" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config


def test_no_server_is_refused_with_a_french_message():
    with pytest.raises(ValueError, match="au moins un serveur"):
        site_config("127.0.0.1:8080", [])


def _without_comment_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_readme_shows_the_template_the_benchmark_uses():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```nginx\n(.*?)```", readme, re.S).group(1)
    filled = site_config(
        "443 ssl", ["127.0.0.1:8601", "127.0.0.1:8602"], server_name="cotation.grandpoitiers.fr"
    )
    assert _without_comment_lines(shown).strip() == _without_comment_lines(filled).strip()
    assert TEMPLATE.read_text(encoding="utf-8").startswith("# nginx in front of")


def test_every_path_of_the_main_configuration_is_in_the_temporary_folder(tmp_path):
    config = main_config(tmp_path)
    paths = re.findall(r"(?<=\s)/[^\s;]+", config)
    assert len(paths) == 9
    assert all(path.startswith(str(tmp_path)) for path in paths), paths
    assert config.startswith("daemon off;")


def test_access_log_read_back_by_path_and_server():
    log = (
        "/ 127.0.0.1:9001 200 abc\n"
        "/_stcore/stream 127.0.0.1:9001 101 abc\n"
        "/_stcore/stream?x=1 127.0.0.1:9002 101 def\n"
        "/_stcore/health - 404 ghi\n"
        "a line that is not a request\n"
    )
    requests = logged_requests(log)
    assert [(r.path, r.upstream, r.status, r.route) for r in requests] == [
        ("/", "127.0.0.1:9001", 200, "abc"),
        ("/_stcore/stream", "127.0.0.1:9001", 101, "abc"),
        ("/_stcore/stream", "127.0.0.1:9002", 101, "def"),
        ("/_stcore/health", "-", 404, "ghi"),
    ]
    assert upstreams_by_path(log) == {"127.0.0.1:9001": 1, "127.0.0.1:9002": 1}


def test_nginx_accepts_the_configuration(tmp_path):
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx absent : « make setup » l'installe (paquet Debian nginx)")
    (tmp_path / "site.conf").write_text(site_config("127.0.0.1:8080", ["127.0.0.1:9001"]))
    (tmp_path / "nginx.conf").write_text(main_config(tmp_path))
    command = [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    command += ["-e", str(tmp_path / "error.log"), "-t", "-q"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
