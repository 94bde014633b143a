#!/usr/bin/env python3
"""Plumtree against the paper (Leitao, Pereira, Rodrigues 2007, Table 1 and
section 5): a 10,000-server random graph of mean degree ~5, one broadcast a
second from a random server, no faults and then 1 % of servers crashing per
broadcast round. Runs `herd sim` on generated scenarios and prints, per
strategy: payload messages received per broadcast, RMR, control messages
received per server per broadcast, reliability, last delivery hop and
simulator time (wall seconds of the K-broadcast run, results file included).

    bench/plumtree/paper.py [HERD] [--servers N] [--broadcasts K] [--graph er|sw]

--graph er (default): Erdos-Renyi with mean degree 5, the paper's overlay
degree; its ~0.7 % of servers outside the giant component are joined to it
by "disconnected": "connect" as a chain, which stretches the last delivery
hop (LDH) without changing the rest. --graph sw: Watts-Strogatz fully
rewired (k 6, p 1): a random graph of mean degree 6 where every server has
at least 3 links, for an undistorted LDH.

HERD defaults to build/bin/herd. RMR = payload / (n - 1) - 1 over the
broadcasts after the first (the first floods every link to build the
tree), taken as the difference of a run of K broadcasts and one of 1;
reliability = mean over broadcasts of servers reached / servers reachable.
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

args = [a for a in sys.argv[1:]]
herd = "build/bin/herd"
n, k, graph = 10000, 50, "er"
while args:
    a = args.pop(0)
    if a == "--servers":
        n = int(args.pop(0))
    elif a == "--broadcasts":
        k = int(args.pop(0))
    elif a == "--graph":
        graph = args.pop(0)
    else:
        herd = a

STRATEGIES = [
    ("eager push gossip, fanout 4", {"name": "gossip", "fanout": 4}),
    ("flooding", "flooding"),
    ("plumtree", {"name": "plumtree", "graft_timeout": "200ms"}),
]


def scenario(strategy, broadcasts, crash_fraction):
    faults = []
    if crash_fraction:
        # 50 ms before broadcast i (at i seconds), crash_fraction of the servers
        # still up crash; never restarted. Chosen by a fixed stride so the
        # file is the same on every machine.
        alive = list(range(n))
        step = 7919
        pos = 0
        for i in range(1, broadcasts):
            for _ in range(int(len(alive) * crash_fraction)):
                pos = (pos + step) % len(alive)
                faults.append({"at": f"{i * 1000 - 50}ms", "kind": "crash", "node": f"n{alive.pop(pos)}"})
    return {
        "name": "plumtree-paper", "seed": 1, "duration": f"{broadcasts}s",
        "topology": ({"kind": "erdos_renyi", "n": n, "p": 5.0 / (n - 1), "disconnected": "connect"} if graph == "er"
                     else {"kind": "small_world", "n": n, "k": 6, "p": 1.0}),
        "strategy": strategy,
        "network": {"latency": {"model": "uniform", "min": "5ms", "max": "15ms"}},
        "clients": {"count": 1, "report_interval": "1s", "servers": "moving", "reads_per_report": 0,
                    "stop": f"{broadcasts - 1}s"},
        "faults": faults,
        "metrics": {"coverage_interval": "1s", "sample_first": broadcasts, "sample_every": 1},
    }


def run(tmp, strategy, broadcasts, crash_fraction):
    path = os.path.join(tmp, "s.json")
    db = os.path.join(tmp, "r.sqlite")
    if os.path.exists(db):
        os.remove(db)
    with open(path, "w") as f:
        json.dump(scenario(strategy, broadcasts, crash_fraction), f)
    t = time.time()
    subprocess.run([herd, "sim", path, "--out", db, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    wall = time.time() - t
    c = sqlite3.connect(db)
    counts = dict(c.execute("SELECT kind, count FROM messages"))
    ups = c.execute("SELECT reached, reachable FROM updates").fetchall()
    # Last delivery hop: the most hops any server's first copy took, averaged over broadcasts.
    ldh = c.execute("SELECT avg(h) FROM (SELECT max(hops) AS h FROM deliveries GROUP BY update_id)").fetchone()[0]
    servers = c.execute("SELECT count(*) FROM nodes").fetchone()[0]
    c.close()
    control = sum(v for key, v in counts.items() if key.startswith("pt_") and key.endswith("_delivered"))
    return {"payload": counts.get("update_delivered", 0), "control": control, "updates": len(ups),
            "reliability": sum(r / a for r, a in ups) / len(ups), "min_rel": min(r / a for r, a in ups),
            "servers": servers, "wall": wall, "ldh": ldh}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        what = "Erdos-Renyi, mean degree 5" if graph == "er" else "Watts-Strogatz k 6 p 1, mean degree 6"
        print(f"{n} servers, {what}, {k} broadcasts, one a second")
        print(f"{'strategy':30} {'faults':>10} {'payload/bcast':>14} {'RMR':>7} {'control/server':>15}"
              f" {'reliability':>12} {'worst':>7} {'LDH':>5} {'sim s':>6}")
        for crash in (0.0, 0.01):
            for label, strategy in STRATEGIES:
                one = run(tmp, strategy, 2, crash)  # broadcasts: the first only (stop at 1 s)
                many = run(tmp, strategy, k, crash)
                extra = many["updates"] - one["updates"]
                payload = (many["payload"] - one["payload"]) / extra
                control = (many["control"] - one["control"]) / extra / n
                # After crashes, n - 1 overstates who can receive; RMR is
                # only given for the fault-free runs.
                rmr = payload / (n - 1) - 1
                print(f"{label:30} {('1 %/round' if crash else 'none'):>10} {payload:14.0f}"
                      f" {(f'{rmr:.3f}' if not crash else '-'):>7} {control:15.2f}"
                      f" {many['reliability'] * 100:11.2f}% {many['min_rel'] * 100:6.1f}% {many['ldh'] or 0:5.1f} {many['wall']:6.1f}")
                sys.stdout.flush()


main()
