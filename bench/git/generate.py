#!/usr/bin/env python3
"""Writes a `git fast-import` stream for the git-transport benchmark repository to stdout.

The repository is deterministic (fixed seed): COMMITS commits on main touching a tree of text files in a few
directories (prose made of random words, so it compresses like source code and deltifies well), plus BLOBS
incompressible binary files of BLOB_KIB KiB each added along the way, which is what brings the pack to its size.

    generate.py COMMITS BLOBS BLOB_KIB | git fast-import --quiet
"""
import random
import sys

commits, blobs, blob_kib = (int(a) for a in sys.argv[1:4])
rng = random.Random(20261123)
out = sys.stdout.buffer

words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(4000)]


def line():
    return " ".join(rng.choice(words) for _ in range(rng.randint(4, 14))) + "\n"


dirs = ["src", "src/core", "src/web", "docs", "tests", "tools"]
files = {f"{d}/file{i:03}.txt": [line() for _ in range(rng.randint(40, 160))] for d in dirs for i in range(60)}
paths = sorted(files)


def data(payload: bytes):
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


blob_at = {max(1, (k + 1) * commits // (blobs + 1)): k for k in range(blobs)}
for n in range(1, commits + 1):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1600000000 + n * 60))
    data(f"Change {n}\n\n{line()}".encode())
    if n == 1:
        touched = paths
    else:
        touched = rng.sample(paths, rng.randint(1, 3))
        for p in touched:
            content = files[p]
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(content) + 1)
                if rng.random() < 0.7 or not content:
                    content.insert(i, line())
                else:
                    content[min(i, len(content) - 1)] = line()
    for p in touched:
        out.write(f"M 100644 inline {p}\n".encode())
        data("".join(files[p]).encode())
    if n in blob_at:
        out.write(f"M 100644 inline assets/blob{blob_at[n]:02}.bin\n".encode())
        data(rng.randbytes(blob_kib * 1024))
    out.write(b"\n")
