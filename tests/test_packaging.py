"""A plain `pip install .` (a wheel, not editable) runs from anywhere, prompts included, with no PROMPTS_DIR."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest
from setuptools import find_packages

REPO = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_for_the_wheel():
    listed = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    assert set(listed) == set(find_packages(str(REPO), include=["bot", "bot.*"])) | {"bot._prompts"}


def test_a_built_wheel_runs_console_mode_outside_the_repository(tmp_path):
    # Built from a copy: an in-tree build would leave build/ behind, whose stale files end up in later wheels.
    source = tmp_path / "source"
    for folder in ("bot", "prompts"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / file, source / file)
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    if build.returncode != 0 and "No matching distribution found for setuptools" in build.stderr:
        pytest.skip("building a wheel needs setuptools from PyPI, which is unreachable here")
    assert build.returncode == 0, build.stderr
    [wheel] = dist.glob("liftcoach-*.whl")

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, str(wheel)],
                   check=True, capture_output=True, timeout=300)

    # The dependencies come from the test environment; `bot` itself only from the wheel.
    env = {key: value for key, value in os.environ.items() if key not in {"PROMPTS_DIR", "DISCORD_TOKEN", "DATABASE_URL"}}
    env.update(PYTHONPATH=sysconfig.get_path("purelib"), DATABASE_URL=f"sqlite:///{tmp_path / 'wheel.db'}")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run([python, "-m", "bot", "console"], input="/goal goal:strength\n/today\n", cwd=workdir,
                            env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "not medical advice" in result.stdout and "Strength" in result.stdout
    located = subprocess.run([python, "-c", "import bot; print(bot.__file__)"], cwd=workdir, env=env,
                             capture_output=True, text=True, check=True).stdout
    assert located.startswith(site)
