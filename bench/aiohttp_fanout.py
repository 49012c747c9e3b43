"""The asyncio guide's own fan-out, for bench/scenarios/http-fanout.ts.

    python3 bench/aiohttp_fanout.py URL N CONCURRENCY WARMUP

One aiohttp ClientSession; N GETs of URL started with asyncio.gather, each under an
asyncio.Semaphore(CONCURRENCY), each body read in full. WARMUP requests of the same
kind run first (connections opened, code warmed) and are not timed.

Prints one JSON line: {"ms": ..., "cpu_ms": <CPU time of the timed part>, "requests": N, "ok": <200 responses>, "bytes": <body
bytes>, "maxrss": <peak RSS in bytes>, "versions": "..."}.
"""
import asyncio
import json
import resource
import sys
import time

import aiohttp


async def fan_out(session, semaphore, url, n):
    async def fetch():
        async with semaphore:
            async with session.get(url) as response:
                body = await response.read()
                return response.status, len(body)

    return await asyncio.gather(*(fetch() for _ in range(n)))


async def main(url, n, concurrency, warmup):
    semaphore = asyncio.Semaphore(concurrency)
    # aiohttp's connector keeps at most 100 connections by default; say so anyway.
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        if warmup > 0:
            await fan_out(session, semaphore, url, warmup)
        start = time.perf_counter()
        cpu_start = time.process_time()
        results = await fan_out(session, semaphore, url, n)
        ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu_start) * 1000
    ok = sum(1 for status, _ in results if status == 200)
    size = sum(length for _, length in results)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    versions = "Python %s, aiohttp %s" % (sys.version.split()[0], aiohttp.__version__)
    print(json.dumps({"ms": ms, "cpu_ms": cpu_ms, "requests": n, "ok": ok, "bytes": size, "maxrss": maxrss, "versions": versions}))


if __name__ == "__main__":
    url, n, concurrency, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    asyncio.run(main(url, n, concurrency, warmup))
