"""Regenerate every golden fixture: ``python -m scripts.golden``."""

import importlib
import pkgutil
from pathlib import Path

import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

for module_info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if module_info.name in {"common", "__main__"}:
        continue
    module = importlib.import_module(f"scripts.golden.{module_info.name}")
    path = module.main()
    print(f"wrote {path}")
