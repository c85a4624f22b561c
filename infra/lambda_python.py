"""The Lambda runtime's Python, seen from the machine that builds the bundle: wheels installed
for its platform, and bytecode compiled by its version.

- pip installs wheels for the Lambda platform (`--platform`, `--only-binary=:all:`), never the
  host's: pydantic-core is compiled code and a wheel built for the host would not load on Lambda.
- Lambda cannot write `__pycache__` next to the code (/var/task is read-only), so without shipped
  bytecode every cold start compiles every module it imports (measured: 2.8 s instead of 1.1 s).
  The bytecode must come from the runtime's Python version (a .pyc carries its version's magic
  number) and be hash-based, not timestamp-based, so a rebuild produces the same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from infra.settings import PROJECT_ROOT

RUNTIME_PYTHON = "3.13"
LAMBDA_RUNTIME = "python3.13"
# python3.13 runs on Amazon Linux 2023 (glibc 2.34): manylinux2014 and manylinux_2_28 wheels both load.
PLATFORMS = {
    "arm64": ("manylinux2014_aarch64", "manylinux_2_28_aarch64"),
    "x86_64": ("manylinux2014_x86_64", "manylinux_2_28_x86_64"),
}
LAMBDA_TASK_ROOT = "/var/task"  # where the code lives on Lambda


class BundleError(RuntimeError):
    pass


def runtime_requirements(pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> tuple[str, ...]:
    """`[project].dependencies` only: no test tools, no emulator, no Pulumi in the Lambda."""
    requirements = list(tomllib.loads(pyproject.read_text())["project"]["dependencies"])
    # The runtime's own boto3 is older than the one the tests ran against; ship ours.
    if not any(r.split(">")[0].split("=")[0].split("<")[0].strip() == "boto3" for r in requirements):
        requirements.append("boto3")
    return tuple(requirements)


def find_runtime_python(explicit: str | None = None) -> str:
    """An interpreter of the runtime's Python version, to compile the bytecode with."""
    candidates: list[str | None] = [explicit, shutil.which(f"python{RUNTIME_PYTHON}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += [str(p / "bin" / "python3") for p in sorted(pyenv.glob(f"{RUNTIME_PYTHON}.*"), reverse=True)]
    for candidate in filter(None, candidates):
        try:
            version = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        if version == RUNTIME_PYTHON:
            return candidate
        if explicit and candidate == explicit:
            raise BundleError(f"{explicit} is Python {version}; the Lambda runtime is {RUNTIME_PYTHON}")
    raise BundleError(
        f"no Python {RUNTIME_PYTHON} found to compile the bundle's bytecode: install it "
        f"(e.g. `pyenv install {RUNTIME_PYTHON}`) or set `pulumi config set scheduler:bundlePython <path>`"
    )


def install_dependencies(architecture: str, requirements: tuple[str, ...], compiler: str, done: Path) -> Path:
    """Installs `requirements` for the Lambda platform into `done`, with the runtime's bytecode."""
    if done.is_dir():
        return done
    cache = done.parent.parent
    partial = Path(tempfile.mkdtemp(dir=_mkdir(cache / "tmp")))
    platforms = [arg for platform in PLATFORMS[architecture] for arg in ("--platform", platform)]
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--target",
        str(partial),
        *platforms,
        "--implementation",
        "cp",
        "--python-version",
        RUNTIME_PYTHON,
        "--only-binary=:all:",
        # The host's Python would write bytecode of its own version; we compile with the runtime's.
        "--no-compile",
        "--cache-dir",
        str(cache / "pip"),
        *requirements,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise BundleError(f"pip could not install the Lambda dependencies:\n{result.stderr.strip()}")
    # Console scripts carry the host interpreter's path and are never run on Lambda.
    shutil.rmtree(partial / "bin", ignore_errors=True)
    compile_tree(compiler, partial, LAMBDA_TASK_ROOT)
    _mkdir(done.parent)
    try:
        os.replace(partial, done)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        if not done.is_dir():
            raise
        # Another build finished the same install first; theirs is as good as ours.
    return done


def compile_tree(python: str, root: Path, location: str) -> None:
    """Compiles every module below `root`, recording `location` as its directory on Lambda."""
    # unchecked-hash: the code in /var/task never changes, so Python need not re-read the source
    # at each import to validate the bytecode. -s/-p: record the path the file will have on
    # Lambda, not this machine's temporary one, so the bytes are the same at every build.
    command = [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash"]
    result = subprocess.run(
        [*command, "-s", str(root), "-p", location, str(root)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BundleError(f"compiling {root} failed:\n{result.stdout}{result.stderr}")


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
