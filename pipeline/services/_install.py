"""Install the local services: resolve their jars from Maven Central and compile the launcher.

Idempotent: a stamp file records the hash of the inputs (pom, launcher source); when it
matches and the jars are there, nothing is done. Jars land in ``.cache/services/<name>/lib``
and Maven's own downloads in ``.cache/services/m2``, so ``rm -rf .cache`` is a clean slate.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pipeline.services._layout import (
    DEPLOY_DIR,
    ELASTICSEARCH,
    KAFKA,
    SERVICE_NAMES,
    ServiceLayout,
)
from pipeline.services.errors import InstallError, ServicesError, ToolMissingError
from pipeline.settings import Settings, get_settings

# Pinned so that a fresh machine resolves exactly the same plugin.
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"


def say(message: str) -> None:
    """Print one progress line to stderr (stdout stays free for data)."""
    print(f"[services] {message}", file=sys.stderr, flush=True)


def require_tool(tool: str) -> str:
    """Return the absolute path of ``tool`` or raise ToolMissingError."""
    found = shutil.which(tool)
    if found is None:
        raise ToolMissingError(
            f"{tool!r} is not on PATH; the local services need a JDK 17+ and Maven "
            "(Debian: apt-get install openjdk-17-jdk-headless maven)"
        )
    return found


def _inputs(name: str) -> list[Path]:
    service_dir = DEPLOY_DIR / name
    files = [service_dir / "pom.xml"]
    if name == ELASTICSEARCH:
        files.append(service_dir / "CentinelaEsNode.java")
    if name == KAFKA:
        files.append(service_dir / "log4j2.properties")
    return files


def _fingerprint(name: str) -> str:
    digest = hashlib.sha256()
    for path in _inputs(name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_installed(name: str, layout: ServiceLayout) -> bool:
    """True when the jars of ``name`` are in the cache and match the current inputs."""
    stamp = layout.stamp(name)
    if not stamp.is_file() or not layout.lib_dir(name).is_dir():
        return False
    recorded = json.loads(stamp.read_text(encoding="utf-8"))
    return bool(recorded.get("fingerprint") == _fingerprint(name))


def _run(command: Sequence[str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - fixed argv built from our own paths
        list(command), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise InstallError(f"{what} failed (exit {result.returncode}):\n{tail}")


def _copy_dependencies(name: str, layout: ServiceLayout) -> None:
    lib = layout.lib_dir(name)
    staging = lib.with_name("lib.partial")
    shutil.rmtree(staging, ignore_errors=True)
    _run(
        [
            require_tool("mvn"),
            "-B",
            "-q",
            f"-Dmaven.repo.local={layout.maven_repo}",
            "-f",
            str(DEPLOY_DIR / name / "pom.xml"),
            f"{_DEPENDENCY_PLUGIN}:copy-dependencies",
            f"-DoutputDirectory={staging}",
            "-DincludeScope=runtime",
        ],
        f"mvn copy-dependencies for {name}",
    )
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)


def _compile_launcher(layout: ServiceLayout) -> None:
    classes = layout.classes_dir(ELASTICSEARCH)
    shutil.rmtree(classes, ignore_errors=True)
    classes.mkdir(parents=True)
    _run(
        [
            require_tool("javac"),
            "-nowarn",
            "-d",
            str(classes),
            "-cp",
            str(layout.lib_dir(ELASTICSEARCH) / "*"),
            str(DEPLOY_DIR / ELASTICSEARCH / "CentinelaEsNode.java"),
        ],
        "javac CentinelaEsNode",
    )


def install_one(name: str, layout: ServiceLayout) -> bool:
    """Install service ``name`` unless it already is; return True when work was done."""
    if name not in SERVICE_NAMES:
        raise ServicesError(f"unknown service {name!r}; known: {', '.join(SERVICE_NAMES)}")
    if is_installed(name, layout):
        return False
    require_tool("java")
    started = time.monotonic()
    say(f"installing {name}: resolving jars with Maven into {layout.cache_dir} ...")
    layout.cache_dir.mkdir(parents=True, exist_ok=True)
    _copy_dependencies(name, layout)
    if name == ELASTICSEARCH:
        say("compiling the Elasticsearch launcher ...")
        _compile_launcher(layout)
    jars = sorted(layout.lib_dir(name).glob("*.jar"))
    size = sum(jar.stat().st_size for jar in jars)
    layout.stamp(name).write_text(
        json.dumps({"fingerprint": _fingerprint(name), "jars": len(jars), "bytes": size}),
        encoding="utf-8",
    )
    elapsed = time.monotonic() - started
    say(f"installed {name}: {len(jars)} jars, {size / 1e6:.1f} MB in {elapsed:.1f} s")
    return True


def install(
    settings: Settings | None = None,
    names: Sequence[str] = SERVICE_NAMES,
    *,
    layout: ServiceLayout | None = None,
) -> None:
    """Resolve the jars of the named services into the cache (idempotent, prints progress)."""
    layout = layout or ServiceLayout.from_settings(settings or get_settings())
    for name in names:
        if not install_one(name, layout):
            say(f"{name} already installed in {layout.cache_dir / name}")
