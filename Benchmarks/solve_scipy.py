#!/usr/bin/env python3
"""What a user would write with scipy: the Audio2Face blendshape solve frame by frame with
scipy.optimize.lsq_linear(method='bvls') on the same A and b as faceprep.

Usage: solve_scipy.py DIR FRAMES
DIR holds A.npy [Ka, Ka], B0.npy [F, Ka] (Dᵀ(t − n) per frame), params.json {"temporal_weight": λT·s,
"cancel_pairs": [[i, j], ...]}. Solves the first FRAMES frames (b = b0 + λT·s·x_prev; cancel pairs:
the smaller weight's upper bound becomes 1e-10 and the frame is solved again), writes X.npy and prints
`scipy solve <frames> <seconds>`.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import lsq_linear


def main():
    folder, frames = sys.argv[1], int(sys.argv[2])
    a = np.load(f"{folder}/A.npy")
    b0 = np.load(f"{folder}/B0.npy")[:frames]
    params = json.load(open(f"{folder}/params.json"))
    temporal, pairs = params["temporal_weight"], params["cancel_pairs"]
    n = a.shape[0]
    x_prev = np.zeros(n)
    out = np.zeros((len(b0), n))
    start = time.perf_counter()
    for f, b_frame in enumerate(b0):
        b = b_frame + (temporal * x_prev if f > 0 else 0)
        upper = np.ones(n)
        x = lsq_linear(a, b, bounds=(0, upper), method="bvls", tol=1e-10).x
        if pairs:
            cancelled = False
            for i, j in pairs:
                smaller = i if x[i] < x[j] else j
                cancelled |= x[smaller] > 1e-10
                upper[smaller] = 1e-10
            if cancelled:
                x = lsq_linear(a, b, bounds=(0, upper), method="bvls", tol=1e-10).x
        out[f] = x
        x_prev = x
    seconds = time.perf_counter() - start
    np.save(f"{folder}/X.npy", out)
    print(f"scipy solve {len(b0)} {seconds:.6f}")


if __name__ == "__main__":
    main()
