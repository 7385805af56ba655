"""deploy/compose.yaml: parsed with PyYAML and held to the versions the tests run.

Docker is not available on this machine, so this is a structural check: the services exist,
image tags equal the versions ``pipeline.services`` runs, health gates are real, secrets come
from ``.env`` only, and every ``CENTINELA_*`` variable is a real setting.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.services import ELASTICSEARCH_VERSION, KAFKA_VERSION
from pipeline.settings import PROJECT_ROOT, Settings

WORKERS = {"crawl": "crawl", "nlp": "nlp", "index": "index", "alert": "alert"}
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z_]+)(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose(deploy_dir: Path) -> dict[str, Any]:
    data = yaml.safe_load((deploy_dir / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def env_example(deploy_dir: Path) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in (deploy_dir / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_services_and_images_match_the_tested_versions(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"elasticsearch", "kibana", "kafka", "mailpit", *WORKERS} <= set(services)
    assert services["elasticsearch"]["image"] == (
        f"docker.elastic.co/elasticsearch/elasticsearch:{ELASTICSEARCH_VERSION}")
    assert services["kibana"]["image"] == f"docker.elastic.co/kibana/kibana:{ELASTICSEARCH_VERSION}"
    assert services["kafka"]["image"] == f"apache/kafka:{KAFKA_VERSION}"
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")


def test_docs_record_the_same_versions() -> None:
    text = (PROJECT_ROOT / "docs" / "services.md").read_text(encoding="utf-8")
    assert f"Elasticsearch {ELASTICSEARCH_VERSION}" in text
    assert f"Kafka {KAFKA_VERSION}" in text


def test_security_is_on_and_kibana_logs_in_as_kibana_system(compose: dict[str, Any]) -> None:
    services = compose["services"]
    es_env = services["elasticsearch"]["environment"]
    assert es_env["xpack.security.enabled"] == "true"
    assert es_env["discovery.type"] == "single-node"
    assert "-Dlog4j2.formatMsgNoLookups=true" in es_env["ES_JAVA_OPTS"].split()
    kibana_env = services["kibana"]["environment"]
    assert kibana_env["ELASTICSEARCH_USERNAME"] == "kibana_system"
    assert kibana_env["ELASTICSEARCH_HOSTS"] == "http://elasticsearch:9200"
    kafka_env = services["kafka"]["environment"]
    assert kafka_env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert kafka_env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"


def test_no_secret_is_written_inline(compose: dict[str, Any], deploy_dir: Path) -> None:
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN", key):
                assert _INTERPOLATION.fullmatch(str(value)), f"{name}.{key} is inline"
    text = (deploy_dir / "compose.yaml").read_text(encoding="utf-8")
    assert "change-me" not in text


def test_every_interpolated_variable_is_in_the_env_example(
    deploy_dir: Path, env_example: dict[str, str]
) -> None:
    text = (deploy_dir / "compose.yaml").read_text(encoding="utf-8")
    names = {match["name"] for match in _INTERPOLATION.finditer(text)}
    assert names == {"ELASTIC_PASSWORD", "KIBANA_SYSTEM_PASSWORD"}
    assert names <= set(env_example)
    for name in names:  # the passwords pass through a shell and a JSON body unquoted
        assert re.fullmatch(r"[A-Za-z0-9_-]+", env_example[name]), name


def test_health_gates(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("elasticsearch", "kibana", "kafka", "mailpit"):
        assert services[name]["healthcheck"]["test"], name
    for name, service in services.items():
        for dependency, gate in (service.get("depends_on") or {}).items():
            assert dependency in services, (name, dependency)
            if gate["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], (name, dependency)
            else:
                assert gate["condition"] == "service_completed_successfully"
    assert services["kibana"]["depends_on"]["es-setup"]["condition"] == (
        "service_completed_successfully")


def test_workers_run_the_cli_built_from_the_dockerfile(
    compose: dict[str, Any], deploy_dir: Path
) -> None:
    services = compose["services"]
    for name, command in WORKERS.items():
        worker = services[name]
        assert worker["command"] == ["centinela", command]
        assert worker["build"]["dockerfile"] == "deploy/Dockerfile"
        assert worker["env_file"] == ".env"
        assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["nlp"]["deploy"]["replicas"] == 2
    assert services["alert"]["depends_on"]["mailpit"]["condition"] == "service_healthy"
    dockerfile = (deploy_dir / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.splitlines()[1] == "FROM python:3.11-slim"
    assert "pip install -e ." in dockerfile


def test_worker_environment_is_valid_centinela_settings(
    compose: dict[str, Any], env_example: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = compose["services"]["index"]["environment"]
    for key, value in environment.items():
        assert key.startswith("CENTINELA_"), key
        match = _INTERPOLATION.fullmatch(str(value))
        monkeypatch.setenv(key, env_example[match["name"]] if match else str(value))
    monkeypatch.setenv("CENTINELA_CONFIG", "/nonexistent/centinela.toml")
    settings = Settings()
    assert settings.kafka.bootstrap == "kafka:9092"
    assert settings.elasticsearch.url == "http://elasticsearch:9200"
    assert settings.elasticsearch.username == "elastic"
    assert settings.elasticsearch.password is not None
    assert settings.elasticsearch.password.get_secret_value() == env_example["ELASTIC_PASSWORD"]
    assert (settings.smtp.host, settings.smtp.port) == ("mailpit", 1025)
    assert settings.kibana.url == "http://kibana:5601"


def test_a_misspelt_setting_would_be_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CENTINELA_CONFIG", "/nonexistent/centinela.toml")
    monkeypatch.setenv("CENTINELA_KAFKA__BOOTSTRAPP", "kafka:9092")
    with pytest.raises(ValueError, match="(?i)extra"):
        Settings()


def test_build_context_ignores_local_state(deploy_dir: Path) -> None:
    ignored = (deploy_dir / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    assert {".git", ".venv", ".cache", "var", "deploy/.env"} <= set(ignored)




@pytest.mark.parametrize(
    "command",
    [
        ["crawl"],
        ["nlp"],
        ["index"],
        ["alert"],
        ["kibana", "import"],
    ],
)
def test_commands_the_stack_runs_exist_in_the_cli(command: list[str]) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
