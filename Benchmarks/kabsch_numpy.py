#!/usr/bin/env python3
"""What a user would write in numpy: batched Kabsch (frame -> reference) with np.linalg.svd over all
frames at once. Prints one line per case: `numpy kabsch <frames> <points> <seconds>` (best of 3).
Used by faceprep-bench to compare in the same run."""
import sys, time
import numpy as np


def kabsch(reference, frames):
    p_mean = reference.mean(axis=0)
    q_mean = frames.mean(axis=1, keepdims=True)
    h = np.einsum("fni,nj->fij", frames - q_mean, reference - p_mean)
    u, s, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(np.einsum("fji,fkj->fik", vt, u)))
    correction = np.ones((len(frames), 3))
    correction[:, 2] = d
    r = np.einsum("fji,fj,fkj->fik", vt, correction, u)
    t = p_mean - np.einsum("fij,fj->fi", r, q_mean[:, 0, :])
    return r, t


def main():
    rng = np.random.default_rng(1)
    for frames, points in [(100_000, 8), (900, 24_002)]:
        reference = rng.uniform(-10, 10, (points, 3))
        data = (reference[None] + rng.normal(0, 0.01, (frames, points, 3))).astype(np.float32).astype(np.float64)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            kabsch(reference, data)
            best = min(best, time.perf_counter() - start)
        print(f"numpy kabsch {frames} {points} {best:.6f}")


if __name__ == "__main__":
    main()
