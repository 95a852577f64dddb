"""Helper processes for the store concurrency and crash tests: ``python tests/_workers.py CMD URL POOL ...``.

Each worker opens the store, prints ``ready``, waits for a line on stdin (so several
workers start together), then prints every address the moment the call that handed
it out has returned (flushed), one per line.

    alloc URL POOL N OWNER   N allocations (every 10th call is allocate_many(3)), then exit
    loop  URL POOL OWNER     allocate until the pool is exhausted (or the process is killed)
    subnet URL POOL N OWNER PREFIXLEN   N subnets from a subnet pool (every 10th call is allocate_many(2))
    subnet-loop URL POOL OWNER PREFIXLEN   subnets until the pool is exhausted (or the process is killed)
"""

from __future__ import annotations

import sys

import netx.ipam
from netx.ipam import PoolExhausted


def main(argv: list[str]) -> int:
    cmd, url, name = argv[:3]
    store = netx.ipam.open(url)
    pool = store.subnet_pool(name) if cmd.startswith("subnet") else store.pool(name)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    sys.stdin.readline()
    if cmd == "alloc":
        n, owner = int(argv[3]), argv[4]
        done = 0
        while done < n:
            if done % 10 == 9:
                ips = pool.allocate_many(min(3, n - done), owner)
            else:
                ips = [pool.allocate(owner)]
            out.write("".join(f"{ip}\n" for ip in ips))
            out.flush()
            done += len(ips)
    elif cmd in ("loop", "subnet-loop"):
        owner = argv[3]
        take = (lambda: pool.allocate(owner)) if cmd == "loop" else (lambda: pool.allocate(int(argv[4]), owner))
        try:
            while True:
                value = take()
                out.write(f"{value}\n")
                out.flush()
        except PoolExhausted:
            pass
    elif cmd == "subnet":
        n, owner, prefixlen = int(argv[3]), argv[4], int(argv[5])
        done = 0
        while done < n:
            if done % 10 == 9:
                nets = pool.allocate_many(min(2, n - done), prefixlen, owner)
            else:
                nets = [pool.allocate(prefixlen, owner)]
            out.write("".join(f"{net}\n" for net in nets))
            out.flush()
            done += len(nets)
    else:
        raise SystemExit(f"unknown command {cmd!r}")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
