"""Parameter updates. Each returns new arrays and never changes the ones it is given,
so a step record's "weights before" stay as they were."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tui_backprop.engine.activations import Array

OPTIMIZERS = ("sgd", "momentum", "adam")


class Optimizer:
    """Plain gradient descent: p ← p - η·g."""

    name = "sgd"

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def update(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        return [p - self.lr * g for p, g in zip(params, grads, strict=True)]

    def get_state(self, params: Sequence[Array]) -> list[Array]:
        """The running averages (shaped like ``params``), so a run can be resumed exactly."""
        return []

    def set_state(self, state: Sequence[Array]) -> None:
        """Resume from ``get_state``'s arrays."""


class Momentum(Optimizer):
    """Heavy-ball momentum: v ← μ·v - η·g; p ← p + v."""

    name = "momentum"

    def __init__(self, lr: float, mu: float = 0.9) -> None:
        super().__init__(lr)
        self.mu = mu
        self.velocity: list[Array] | None = None

    def update(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        self.velocity = [
            self.mu * v - self.lr * g for v, g in zip(self.velocity, grads, strict=True)
        ]
        return [p + v for p, v in zip(params, self.velocity, strict=True)]

    def get_state(self, params: Sequence[Array]) -> list[Array]:
        return list(self.velocity) if self.velocity else [np.zeros_like(p) for p in params]

    def set_state(self, state: Sequence[Array]) -> None:
        self.velocity = list(state)


class Adam(Optimizer):
    """Adam (Kingma & Ba) with bias-corrected first and second moments."""

    name = "adam"

    def __init__(
        self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0
        self.m: list[Array] = []
        self.v: list[Array] = []

    def update(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        if not self.m:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m = [b1 * m + (1 - b1) * g for m, g in zip(self.m, grads, strict=True)]
        self.v = [b2 * v + (1 - b2) * g * g for v, g in zip(self.v, grads, strict=True)]
        c1, c2 = 1 - b1**self.t, 1 - b2**self.t  # bias corrections
        return [
            p - self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
            for p, m, v in zip(params, self.m, self.v, strict=True)
        ]

    def get_state(self, params: Sequence[Array]) -> list[Array]:
        m = self.m or [np.zeros_like(p) for p in params]
        v = self.v or [np.zeros_like(p) for p in params]
        return [*m, *v, np.array([self.t], dtype=params[0].dtype)]

    def set_state(self, state: Sequence[Array]) -> None:
        half = (len(state) - 1) // 2
        self.m, self.v = list(state[:half]), list(state[half:-1])
        self.t = int(state[-1][0])


def make_optimizer(name: str, lr: float) -> Optimizer:
    kinds: dict[str, type[Optimizer]] = {"sgd": Optimizer, "momentum": Momentum, "adam": Adam}
    if name not in kinds:
        raise ValueError(f"unknown optimiser {name!r}; choose from {', '.join(OPTIMIZERS)}")
    return kinds[name](lr)
