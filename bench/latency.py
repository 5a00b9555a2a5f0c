#!/usr/bin/env python3
"""Sequential request latency, round-robin over several URLs so that load from elsewhere on the machine falls on
all of them alike: one keep-alive connection, WARMUP rounds untimed, then RUNS rounds each timing every URL once.
Prints "median_ms p95_ms" per URL, in order. Any answer other than 200 is an error. "{round}" in a URL becomes the
round's number (from 1, warm-up rounds included), so each round asks something new of a server that keeps answers.
With --post, each round (warm-up too) first sends that POST, untimed: a write, so every URL is timed right after one.

    latency.py RUNS WARMUP [-H 'Name: value']... [--post PATH JSON] URL...
"""
import http.client
import sys
import time
from urllib.parse import urlsplit

runs, warmup = int(sys.argv[1]), int(sys.argv[2])
args, headers, urls, post = sys.argv[3:], {}, [], None
while args:
    a = args.pop(0)
    if a == "--post":
        post = (args.pop(0), args.pop(0))
    elif a == "-H":
        name, value = args.pop(0).split(":", 1)
        headers[name.strip()] = value.strip()
    else:
        urls.append(a)
first = urlsplit(urls[0])
conn = http.client.HTTPConnection(first.hostname, first.port, timeout=300)


def get(url, round_no):
    u = urlsplit(url.replace("{round}", str(round_no)))
    conn.request("GET", u.path + ("?" + u.query if u.query else ""), headers=headers)
    res = conn.getresponse()
    res.read()
    if res.status != 200:
        sys.exit(f"{url} answered {res.status}")


def write():
    if post is None:
        return
    conn.request("POST", post[0], body=post[1], headers={**headers, "Content-Type": "application/json"})
    res = conn.getresponse()
    res.read()
    if res.status >= 300:
        sys.exit(f"POST {post[0]} answered {res.status}")


for r in range(warmup):
    write()
    for url in urls:
        get(url, r + 1)
times = [[] for _ in urls]
for r in range(runs):
    write()
    for i, url in enumerate(urls):
        t0 = time.perf_counter()
        get(url, warmup + r + 1)
        times[i].append((time.perf_counter() - t0) * 1000)
for t in times:
    t.sort()
    print(f"{t[(len(t) - 1) // 2]:.1f} {t[max(0, int(len(t) * 0.95) - 1)]:.1f}")
