"""Where things are: the one place that names the project's paths and the shared corpora.

The shared corpora are found at ``$GOVTHEMES_SHARED`` when that variable is set, otherwise at
``../shared`` beside the repository (the layout of a checkout), otherwise ``../shared`` from the
working directory. Nothing else in the package spells these paths.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent  # the checkout (for an installed wheel: site-packages)
SHARED_ENV = "GOVTHEMES_SHARED"

ANNOTATIONS_DIR = Path("data/processed/annotations")
#: Where the model folders are: inside the package of an installed wheel (the build copies each
#: folder of ``models/`` there, see setup.py), else ``models/`` of the checkout.
PACKAGED_MODELS = PACKAGE_DIR / "models"
CHECKOUT_MODELS = PROJECT_ROOT / "models"

# The licence of each source of training data, by the corpus folder (or annotation folder) it comes from.
LICENCES = {
    "waie": "CC BY-NC 4.0 (text: WAIE, Corrêa et al. 2023, Patterns 4(10)); theme labels by the project",
    "statements": "third-party excerpts of public web pages, for training and evaluation only "
                  "(shared/corpora/statements/README.md); theme labels by the project",
    "statements2": "third-party excerpts of public web pages, for training and evaluation only "
                   "(shared/corpora/statements2/README.md); theme labels by the project",
    "statements3": "third-party excerpts of public web pages, for training and evaluation only "
                   "(shared/corpora/statements3/README.md); theme labels by the project",
    "annotations": "the project's own annotations (data/processed/annotations) of public statements",
}


def shared_dir() -> Path:
    """The shared folder (``ANNOTATION.md``, ``corpora/``): ``$GOVTHEMES_SHARED``, else ``../shared``."""
    if os.environ.get(SHARED_ENV):
        return Path(os.environ[SHARED_ENV])
    beside_checkout = PROJECT_ROOT.parent / "shared"
    return beside_checkout if beside_checkout.is_dir() else Path("..") / "shared"


def model_dir(name: str) -> Path:
    """The folder of model ``name`` that comes with govthemes: packaged in the wheel, else ``models/<name>``
    of the checkout."""
    packaged = PACKAGED_MODELS / name
    return packaged if packaged.is_dir() else CHECKOUT_MODELS / name


def default_model() -> Path:
    """The folder of the default theme model (``models/default``)."""
    return model_dir("default")


def corpus(name: str) -> Path:
    """The folder of shared corpus ``name`` (``statements``, ``statements2``, ``statements3``, ``waie``)."""
    return shared_dir() / "corpora" / name


def statement_corpora() -> list[Path]:
    """The folders of the shared statement corpora with gold pages, in a fixed order."""
    return [corpus(name) for name in ("statements", "statements2", "statements3")]


def default_training() -> tuple[Path, ...]:
    """The default training data of the theme model: the labelled clauses of every shared corpus
    and the project's own annotations."""
    return (*(corpus(name) / "clauses.jsonl" for name in ("statements", "statements2", "statements3")),
            corpus("waie") / "waie-150-clauses.jsonl", ANNOTATIONS_DIR)


def licence_of(path: str | Path) -> str:
    """The licence of a training file, by the corpus (or annotation) folder it lies in."""
    key = next((part for part in reversed(Path(path).parts) if part in LICENCES), None)
    return LICENCES[key] if key else "see the file's source"
