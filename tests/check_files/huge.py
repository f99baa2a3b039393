"""Wrong: gradients asks for 8 TB."""

import numpy as np
from reference import deltas, forward, update


def gradients(activations, deltas):
    return [np.ones((10**6, 10**6))]
