"""Builds the Lambda code bundle: the `service` package's runtime code and its runtime
dependencies, installed for the Lambda platform and compiled by the runtime's own Python
version (infra/lambda_python.py), in one zip checked against Lambda's limits.

- Only what a handler can run ships: the local stack (`scheduler dev`, with its emulator and
  web server) and the `scheduler` command line are tools for a developer's or an operator's
  machine, and stay out (`DEV_ONLY`).
- The GraphQL IDE's files are not kept in git: the web build makes them inside the package
  (`make web-build`), and a bundle without them is refused (`WEB_BUILT`), so turning the IDE
  on in the cloud never serves a page with nothing behind it.

- The zip is deterministic (entries in a fixed order, fixed timestamps and modes, no host
  bytecode), so an unchanged service gives the same zip and `pulumi up` has nothing to redeploy.
- Installing, compiling and compressing the dependencies is the slow step; it is done once and
  cached under `.cache/lambda/deps/`, keyed by the requirements, platform and Python version.
  Delete that folder to pick up new releases of the dependencies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from infra.lambda_python import (
    LAMBDA_TASK_ROOT,
    PLATFORMS,
    RUNTIME_PYTHON,
    BundleError,
    compile_tree,
    find_runtime_python,
    install_dependencies,
    runtime_requirements,
)
from infra.settings import PROJECT_ROOT

# Lambda's limits for a function's deployment package.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
MAX_ZIPPED_BYTES = 50 * 1024 * 1024  # direct upload; larger needs an S3 object
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
STALE_AFTER_SECONDS = 24 * 3600
CACHE_FORMAT = "2"  # bump when the way dependencies are installed changes
# Files below the project root that the web build makes, and the bundle needs.
WEB_BUILT = ("service/entrypoints/static/graphiql/index.html",)
# Paths below the project root that never run on Lambda.
DEV_ONLY = frozenset(
    {
        "service/entrypoints/local",
        "service/entrypoints/cli.py",
        "service/entrypoints/cli_keys.py",
    }
)


@dataclass(frozen=True)
class Bundle:
    path: Path
    sha256_base64: str  # what Lambda reports as CodeSha256
    zipped_bytes: int
    unzipped_bytes: int

    @classmethod
    def from_zip(cls, path: Path) -> Bundle:
        """A bundle built elsewhere (a CI artefact, or a test's stand-in)."""
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        return cls(
            path=path, sha256_base64=_sha256_base64(path), zipped_bytes=path.stat().st_size, unzipped_bytes=unzipped
        )


def build_bundle(
    architecture: str,
    *,
    project_root: Path = PROJECT_ROOT,
    packages: tuple[str, ...] = ("service",),
    requirements: tuple[str, ...] | None = None,
    python: str | None = None,
    cache_dir: Path | None = None,
) -> Bundle:
    if architecture not in PLATFORMS:
        raise BundleError(f"unknown architecture {architecture!r}; expected one of {sorted(PLATFORMS)}")
    for built in WEB_BUILT:
        if not (project_root / built).is_file():
            raise BundleError(f"{built} is missing: build it first with `make web-build` (the web build makes it)")
    cache = cache_dir or project_root / ".cache" / "lambda"
    requirements = requirements if requirements is not None else runtime_requirements(project_root / "pyproject.toml")
    compiler = find_runtime_python(python)
    dependencies = _dependencies_zip(architecture, requirements, compiler, cache)
    with zipfile.ZipFile(dependencies) as archive:
        dependency_bytes = sum(info.file_size for info in archive.infolist())

    with tempfile.TemporaryDirectory(dir=_mkdir(cache / "tmp")) as scratch:
        stage = Path(scratch) / "stage"
        for package in packages:
            shutil.copytree(project_root / package, stage / package, ignore=_not_shipped(project_root))
        for package in packages:
            compile_tree(compiler, stage / package, f"{LAMBDA_TASK_ROOT}/{package}")
        entries = sorted(_files(stage))
        unzipped = dependency_bytes + sum(path.stat().st_size for _, path in entries)
        if unzipped > MAX_UNZIPPED_BYTES:
            raise BundleError(f"the bundle is {unzipped:,} bytes unzipped; Lambda allows {MAX_UNZIPPED_BYTES:,}")
        digest = hashlib.sha256(f"{_sha256_base64(dependencies)}\0{_content_digest(entries)}".encode()).hexdigest()
        target = _mkdir(cache / "bundles") / f"{architecture}-{digest[:16]}.zip"
        if target.exists():
            os.utime(target)  # still in use: keep it out of the pruning below
        else:
            # The dependencies' entries come first, as compressed once; the service's follow.
            partial = Path(scratch) / "bundle.zip"
            shutil.copyfile(dependencies, partial)
            _write_zip(partial, entries, mode="a")
            os.replace(partial, target)
    _prune(target.parent, keep=target)
    zipped = target.stat().st_size
    if zipped > MAX_ZIPPED_BYTES:
        raise BundleError(
            f"the bundle is {zipped:,} bytes zipped; a direct upload to Lambda allows {MAX_ZIPPED_BYTES:,}"
        )
    return Bundle(path=target, sha256_base64=_sha256_base64(target), zipped_bytes=zipped, unzipped_bytes=unzipped)


def _prune(bundles: Path, keep: Path) -> None:
    """Old builds go after a day; a younger one may still be in use by another build or a benchmark."""
    for old in bundles.glob("*.zip"):
        if old != keep and time.time() - old.stat().st_mtime > STALE_AFTER_SECONDS:
            old.unlink(missing_ok=True)


def _dependencies_zip(architecture: str, requirements: tuple[str, ...], compiler: str, cache: Path) -> Path:
    """The dependencies installed, compiled and zipped once per requirements, platform and Python."""
    key_source = json.dumps([CACHE_FORMAT, architecture, RUNTIME_PYTHON, sorted(requirements)])
    key = hashlib.sha256(key_source.encode()).hexdigest()[:16]
    done = cache / "deps" / f"{architecture}-{key}.zip"
    if done.is_file():
        return done
    installed = install_dependencies(architecture, requirements, compiler, cache / "deps" / f"{architecture}-{key}")
    with tempfile.TemporaryDirectory(dir=_mkdir(cache / "tmp")) as scratch:
        partial = Path(scratch) / "dependencies.zip"
        _write_zip(partial, sorted(_files(installed)), mode="w")
        os.replace(partial, done)
    shutil.rmtree(installed, ignore_errors=True)  # the zip is all later builds read
    return done


def _not_shipped(project_root: Path) -> Callable[[str, list[str]], set[str]]:
    """What `copytree` leaves out: development tooling, and bytecode of the host's Python (the
    stage gets its own from the runtime's)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        below = Path(directory).relative_to(project_root)
        return {
            name
            for name in names
            if name == "__pycache__" or name.endswith((".pyc", ".pyo")) or (below / name).as_posix() in DEV_ONLY
        }

    return ignore


def _files(stage: Path) -> Iterator[tuple[str, Path]]:
    for path in stage.rglob("*"):
        if path.is_file():
            if path.suffix == ".pyc" and f".cpython-{RUNTIME_PYTHON.replace('.', '')}" not in path.name:
                continue
            yield path.relative_to(stage).as_posix(), path


def _content_digest(entries: list[tuple[str, Path]]) -> str:
    digest = hashlib.sha256()
    for name, path in entries:
        digest.update(f"{name}\0{_mode(path):o}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _mode(path: Path) -> int:
    return 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644


def _write_zip(target: Path, entries: list[tuple[str, Path]], mode: Literal["w", "a"]) -> None:
    with zipfile.ZipFile(target, mode, zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, path in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = (stat.S_IFREG | _mode(path)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the building machine is
            archive.writestr(info, path.read_bytes(), compresslevel=6)


def _sha256_base64(path: Path) -> str:
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
