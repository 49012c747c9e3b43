#!/bin/sh
# The tools the bench compares against or serves with, from Debian's packages:
#   nginx          the HTTP server of http-fanout (else the embedded httpbin, slower)
#   wrk            http-fanout's ceiling (the server alone)
#   python3-aiohttp  http-fanout's aiohttp contender (the asyncio guide's own client)
#   redis-server   redis-semaphore's server
#   chromium       browser-fanout's browser (driven through playwright-core)
# Run once, as root: `sudo bench/setup.sh`. `npm run bench` installs nothing itself; a
# contender whose tool is missing is reported as skipped, with the reason.
set -e
PACKAGES="nginx wrk python3-aiohttp redis-server chromium"
if [ "$(id -u)" != 0 ]; then
  echo "bench/setup.sh: run as root (apt-get install $PACKAGES)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet.
apt-get install -y $PACKAGES || { apt-get update && apt-get install -y $PACKAGES; }
