#!/usr/bin/env python3
"""What a user would write with numpy to take one pass over a dataset's skin caches: every Maya .mc
cache (one file per shot, big-endian float32 in FVCA chunks) parsed with the standard library and
decoded with numpy, and each shot's mean frame computed — the read that `faceprep validate` makes
before its checks.

Usage: read_numpy.py DATASET
Prints `numpy read <frames> <seconds>`.
"""
import glob
import struct
import sys
import time

import numpy as np


def frames(path):
    """The [F, V, 3] positions of a one-file Maya cache."""
    data = open(path, "rb").read()
    payloads = []
    offset = 0
    while offset + 8 <= len(data):
        tag, size = data[offset:offset + 4], struct.unpack(">I", data[offset + 4:offset + 8])[0]
        if tag in (b"FOR4", b"FOR8"):
            offset += 12  # into the group: tag, size, form type
            continue
        if tag == b"FVCA":
            payloads.append(np.frombuffer(data, dtype=">f4", count=size // 4, offset=offset + 8))
        offset += 8 + size + (-size % 4)
    return np.stack(payloads).astype(np.float32).reshape(len(payloads), -1, 3)


def main():
    root = sys.argv[1]
    start = time.perf_counter()
    total = 0
    for path in sorted(glob.glob(f"{root}/cache/skin/*/*.mc")):
        positions = frames(path)
        positions.mean(axis=0)
        total += len(positions)
    print(f"numpy read {total} {time.perf_counter() - start:.6f}")


if __name__ == "__main__":
    main()
