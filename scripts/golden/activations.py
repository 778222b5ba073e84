"""Golden values for app/core/activations.py, from real torch 2.13.

Run: ``.venv/bin/python -c "from scripts.golden import activations; activations.main()"``.

Each case stores the input (with its shape), ``dim`` and ``temperature``, and torch's
output of the function applied to ``input / temperature`` in that dtype.
``naive_softmax`` is exp(x) / exp(x).sum(dim) written with torch ops (it overflows).
"""

import numpy as np
import torch

from scripts.golden.common import case, write

DTYPES = {"float32": torch.float32, "float64": torch.float64}
# float32 sigmoid rounds to 1.0 from 16.64; exp overflows float32 past 88.72 and
# float64 past 709.78.
EXTREME = [-1000.0, -710.0, -100.0, -88.73, -88.0, -16.64, -1.0, 0.0, 1.0, 16.64, 20.0, 88.0, 88.73, 100.0, 710.0, 1000.0]


def naive_softmax(x: torch.Tensor, dim: int) -> torch.Tensor:
    exponentials = torch.exp(x)
    return exponentials / exponentials.sum(dim, keepdim=True)


FUNCTIONS = {
    "sigmoid": lambda x, dim: torch.sigmoid(x),
    "softmax": lambda x, dim: torch.softmax(x, dim),
    "log_softmax": lambda x, dim: torch.log_softmax(x, dim),
    "logsumexp": lambda x, dim: torch.logsumexp(x, dim),
    "naive_softmax": naive_softmax,
}


def activation_case(case_id: str, function: str, dtype: str, input, dim: int = -1, temperature: float = 1.0) -> dict:
    x = torch.as_tensor(np.asarray(input, dtype=np.float64), dtype=DTYPES[dtype])
    scaled = x if temperature == 1.0 else x / temperature
    output = FUNCTIONS[function](scaled, dim)
    options = {"dim": dim} if function == "naive_softmax" else {"dim": dim, "temperature": temperature}
    return case(
        f"{function}-{case_id}-{dtype}",
        function,
        dtype,
        {"input": x, "input_shape": list(x.shape)},
        options,
        {"output": output, "output_shape": list(output.shape)},
    )


def main():
    torch.set_num_threads(1)
    generator = np.random.default_rng(1)
    matrix = generator.normal(0, 3, size=(3, 4)).round(4)
    cube = generator.normal(0, 2, size=(2, 3, 4)).round(4)
    extreme_rows = [[1000.0, 0.0, -1000.0], [100.0, 99.0, -100.0], [88.73, -88.73, 0.0], [16.64, -16.64, 0.0]]
    cases = []
    for dtype in DTYPES:
        for function in FUNCTIONS:
            add = lambda case_id, *args, **options: cases.append(  # noqa: E731
                activation_case(case_id, function, dtype, *args, **options)
            )
            add("extreme", EXTREME)
            add("extreme-rows", extreme_rows)
            add("matrix-last", matrix)
            add("matrix-dim0", matrix, dim=0)
            add("cube-dim1", cube, dim=1)
            add("cube-dim-3", cube, dim=-3)
            add("scalar", 2.5, dim=0)
            add("single", [3.0])
            add("article-binary", [1.4746, 0.7613])
            add("empty-axis", np.zeros((3, 0)))
            add("empty-batch", np.zeros((0, 3)))
            if function != "naive_softmax":
                for temperature in (0.5, 2.0, 10.0):
                    add(f"temperature{temperature}", matrix, temperature=temperature)
                add("extreme-temperature0.1", extreme_rows, temperature=0.1)
                add("extreme-temperature100", extreme_rows, temperature=100.0)
    return write("activations", cases)


if __name__ == "__main__":
    print(main())
