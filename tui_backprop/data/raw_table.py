"""What a CSV reading path hands back before labels are interpreted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class RawTable:
    features: np.ndarray  # (n, f) float64, all finite
    label_keys: list[str]  # distinct raw label texts, in order of first appearance
    label_codes: np.ndarray  # (n,) int64 index into label_keys
    lines: np.ndarray | None  # (n,) file line of each row; None when not tracked

    def first_line_of(self, key: int) -> int | None:
        if self.lines is None:
            return None
        return int(self.lines[int(np.argmax(self.label_codes == key))])
