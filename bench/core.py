"""Time the numeric core against torch CPU on one thread: value and gradient together.

    .venv/bin/python bench/core.py              # every benchmark
    .venv/bin/python bench/core.py mse_loss     # only the named ones

Each benchmark times one full call of the core (argument checks included, as a user
pays them) and the same work in torch (forward + backward of the reduced loss), and
reports the best of several repeats: the minimum is the figure least disturbed by
other processes on a shared machine. torch is optional; without it only the core's
times are printed. numpy runs these element-wise kernels on one thread, so torch is
pinned to one thread too.

To add a benchmark, write a function ``(torch_module_or_None) -> Timing`` and list it
in ``BENCHMARKS``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.core import losses

REPEATS = 7
MSE_SIZE = 10_000_000
CROSS_ENTROPY_ROWS = 1_000_000
CROSS_ENTROPY_CLASSES = 10


@dataclass(frozen=True)
class Timing:
    name: str
    core_seconds: float
    torch_seconds: float | None

    def line(self) -> str:
        text = f"{self.name:<40} core {self.core_seconds * 1e3:9.1f} ms"
        if self.torch_seconds is None:
            return text + "   torch: not installed"
        ratio = self.core_seconds / self.torch_seconds
        return text + f"   torch {self.torch_seconds * 1e3:9.1f} ms   core/torch {ratio:5.2f}x"


def best_time(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """The fastest of ``repeats`` timed calls of ``run``, after one untimed warm-up call."""
    run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def bench_mse_loss(torch) -> Timing:
    """mse_loss, reduction="mean", on 10^7 float32 values: loss and gradient."""
    generator = np.random.default_rng(0)
    input = generator.standard_normal(MSE_SIZE, dtype=np.float32)
    target = generator.standard_normal(MSE_SIZE, dtype=np.float32)
    core_seconds = best_time(lambda: losses.mse_loss(input, target))
    torch_seconds = None
    if torch is not None:
        input_tensor = torch.from_numpy(input)
        target_tensor = torch.from_numpy(target)

        def torch_value_and_gradient():
            leaf = input_tensor.detach().requires_grad_()
            loss = torch.nn.functional.mse_loss(leaf, target_tensor)
            loss.backward()
            return loss, leaf.grad

        torch_seconds = best_time(torch_value_and_gradient)
    return Timing(f"mse_loss float32 n={MSE_SIZE:,} value+grad", core_seconds, torch_seconds)


def bench_cross_entropy(torch) -> Timing:
    """cross_entropy, reduction="mean", logits (10^6, 10) float32, class-index targets: loss and gradient."""
    generator = np.random.default_rng(0)
    logits = generator.standard_normal((CROSS_ENTROPY_ROWS, CROSS_ENTROPY_CLASSES), dtype=np.float32)
    target = generator.integers(0, CROSS_ENTROPY_CLASSES, size=CROSS_ENTROPY_ROWS)
    core_seconds = best_time(lambda: losses.cross_entropy(logits, target))
    torch_seconds = None
    if torch is not None:
        logits_tensor = torch.from_numpy(logits)
        target_tensor = torch.from_numpy(target)

        def torch_value_and_gradient():
            leaf = logits_tensor.detach().requires_grad_()
            loss = torch.nn.functional.cross_entropy(leaf, target_tensor)
            loss.backward()
            return loss, leaf.grad

        torch_seconds = best_time(torch_value_and_gradient)
    name = f"cross_entropy float32 N={CROSS_ENTROPY_ROWS:,} C={CROSS_ENTROPY_CLASSES} value+grad"
    return Timing(name, core_seconds, torch_seconds)


BENCHMARKS: list[Callable] = [bench_mse_loss, bench_cross_entropy]


def main(selected: list[str]) -> None:
    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(1)
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}; best of {REPEATS}")
    for benchmark in BENCHMARKS:
        if selected and not any(name in benchmark.__name__ for name in selected):
            continue
        print(benchmark(torch).line(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
