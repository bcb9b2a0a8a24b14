"""Build step: the default model folder goes into the wheel as package data.

``models/default`` stays at the top of the checkout (where ``govthemes train`` writes it and
the Makefile finds it); a built wheel carries a copy of the whole folder, whatever files the
model format puts in it, as ``pipeline/models/default`` (``pipeline.config.default_model``
finds either). Everything else is configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODEL = Path(__file__).resolve().parent / "models" / "default"


class BuildWithModel(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:  # an editable install reads models/default of the checkout
            target = Path(self.build_lib) / "pipeline" / "models" / "default"
            shutil.copytree(MODEL, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("previous.*"))


setup(cmdclass={"build_py": BuildWithModel})
