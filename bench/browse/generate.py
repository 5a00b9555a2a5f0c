#!/usr/bin/env python3
"""Writes a `git fast-import` stream for the browsing benchmarks to stdout (refs/heads/main).

    generate.py history COMMITS FILES   # COMMITS commits; the first adds FILES files under src/ and a README,
                                        # each later one rewrites src/file<i % FILES>.txt (200 lines)
    generate.py wide FILES PER_DIR      # one commit adding FILES small files, PER_DIR per directory d0000/…
"""
import sys

out = sys.stdout


def data(text):
    b = text.encode()
    out.write(f"data {len(b)}\n")
    out.write(text)
    out.write("\n")


def history(commits, files):
    for i in range(1, commits + 1):
        out.write(f"commit refs/heads/main\nmark :{i}\ncommitter Bench <bench@example.com> {1600000000 + i} +0000\n")
        data(f"commit {i}\n\nTouches src/file{i % files}.txt.")
        if i > 1:
            out.write(f"from :{i - 1}\n")
        if i == 1:
            for f in range(files):
                out.write(f"M 100644 inline src/file{f}.txt\n")
                data("".join(f"line {n} of file {f}\n" for n in range(200)))
            out.write("M 100644 inline README.md\n")
            data("# bench\n" * 50)
        out.write(f"M 100644 inline src/file{i % files}.txt\n")
        data("".join(f"line {n} of file {i % files}, version {i}\n" for n in range(200)))


def wide(files, per_dir):
    out.write("commit refs/heads/main\ncommitter Bench <bench@example.com> 1600000000 +0000\n")
    data(f"{files} files\n")
    out.write("M 100644 inline README.md\n")
    data(f"# {files} files\n")
    for f in range(files):
        out.write(f"M 100644 inline d{f // per_dir:04}/file{f % per_dir:05}.txt\n")
        data(f"file {f}\n")


mode, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
{"history": history, "wide": wide}[mode](a, b)
