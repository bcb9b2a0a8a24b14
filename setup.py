"""Build step: the model folders go into the wheel as package data.

``models/`` stays at the top of the checkout (where ``govthemes train`` writes the default
model and the Makefile finds it); a built wheel carries a copy of each of its folders, whatever
files a model format puts in them, as ``pipeline/models/<name>`` (``pipeline.config.model_dir``
finds either). Everything else is configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODELS = Path(__file__).resolve().parent / "models"


class BuildWithModels(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads models/ of the checkout
            return
        for folder in sorted(p for p in MODELS.iterdir() if p.is_dir()):
            target = Path(self.build_lib) / "pipeline" / "models" / folder.name
            shutil.copytree(folder, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("previous.*"))


setup(cmdclass={"build_py": BuildWithModels})
