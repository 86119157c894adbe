"""The global model the ServerApp starts from."""

from pathlib import Path

import numpy as np

from .npy_dir import read_arrays


def builtin_arrays() -> dict[str, np.ndarray]:
    # A small dense layer, seeded, so runs are reproducible without any input file.
    rng = np.random.default_rng(14)
    return {
        "dense.kernel": rng.normal(0.0, 0.1, size=(4, 3)).astype(np.float32),
        "dense.bias": np.zeros(3, dtype=np.float32),
    }


def initial_arrays(init_dir: str) -> dict[str, np.ndarray]:
    return read_arrays(Path(init_dir)) if init_dir else builtin_arrays()
