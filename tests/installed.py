"""govthemes built as a wheel and installed in a new virtual environment, offline.

Used by the tests that must see the package as a user's installation sees it: entry points
(spaCy finds the components by name in a fresh process), package data (the default model,
``themes.json``) and the ``govthemes`` command, run from a directory outside the checkout.

The wheel is built from a clean copy of the sources (no stale ``build/`` of the checkout
can leak into it) with the test interpreter's setuptools, and installed without downloads:
``--no-index --no-deps``, the new environment reading the dependencies from the test
environment's site-packages through a ``.pth`` line (a path added that way is not scanned
for ``.pth`` files, so an editable install of the checkout stays out of the new environment).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "pipeline", "models")
_built: dict[str, Installed] = {}


@dataclass
class Installed:
    """A virtual environment with the wheel installed, and a directory outside the checkout."""

    venv: Path
    wheel: Path
    workdir: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, extra: dict | None = None) -> dict:
        """The environment of a user's shell: no PYTHONPATH into the checkout, no GOVTHEMES_SHARED
        unless ``extra`` sets it."""
        drop = ("PYTHONPATH", "VIRTUAL_ENV", "GOVTHEMES_SHARED")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return {**env, **(extra or {})}

    def run(self, *args, timeout: int = 120, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run a command of the environment (``python``, ``govthemes``) in ``workdir``."""
        command = [str(self.bin / args[0]), *map(str, args[1:])]
        result = subprocess.run(command, cwd=self.workdir, env=self.env(env), capture_output=True, text=True,
                                timeout=timeout)
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def python_json(self, script: str, *args, env: dict | None = None) -> object:
        """Run ``script`` with the environment's Python; it prints one JSON value last."""
        return json.loads(self.run("python", "-c", script, *args, env=env).stdout.strip().splitlines()[-1])


def install(base: Path) -> Installed:
    """Build the wheel and install it in a new environment under ``base`` (once per test session)."""
    if "wheel" in _built:
        return _built["wheel"]
    source, wheels, env, workdir = base / "source", base / "wheels", base / "venv", base / "elsewhere"
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "previous.*"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, source / name)
    quiet = {"capture_output": True, "text": True, "timeout": 300}
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-w", str(wheels), str(source)], **quiet)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("govthemes-*.whl")
    venv.EnvBuilder(with_pip=False).create(env)
    (site,) = (env / "lib").glob("python*/site-packages")
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    workdir.mkdir()
    result = Installed(env, wheel, workdir)
    result.run("python", "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", wheel)
    _built["wheel"] = result
    return result
