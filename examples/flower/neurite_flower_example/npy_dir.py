"""Ordered sets of named arrays on disk: <name>.npy files plus arrays.json.

The TypeScript tests read and write this layout, so both sides see the same
bytes Flower carries (NumPy .npy) and the same order (ArrayRecord keys are ordered).
"""

import json
import os
from pathlib import Path

import numpy as np


def _safe_name(name: str) -> str:
    # Array names like "dense.kernel" are fine in a file name; path separators are not.
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError(f"array name {name!r} cannot be a file name")
    return name


def write_arrays(directory: Path, arrays: dict[str, np.ndarray], extra: dict | None = None) -> None:
    """Write every array, then arrays.json last and atomically: its presence means complete."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, value in arrays.items():
        np.save(directory / f"{_safe_name(name)}.npy", value, allow_pickle=False)
    index = {"names": list(arrays.keys()), **(extra or {})}
    tmp = directory / "arrays.json.tmp"
    tmp.write_text(json.dumps(index))
    os.replace(tmp, directory / "arrays.json")


def read_arrays(directory: Path) -> dict[str, np.ndarray]:
    index = json.loads((directory / "arrays.json").read_text())
    return {n: np.load(directory / f"{_safe_name(n)}.npy", allow_pickle=False) for n in index["names"]}
