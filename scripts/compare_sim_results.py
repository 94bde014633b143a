#!/usr/bin/env python3
"""Runs scenarios with two herd binaries and compares their results files.

    scripts/compare_sim_results.py [--ignore TABLE.COLUMN ...] OLD_HERD NEW_HERD [SCENARIO ...]

Default scenarios: every scenarios/*.json. Each is run with `herd sim S --out
DB --quiet` by both binaries (a scenario the old one refuses as invalid,
e.g. one using a new feature, is reported and skipped); every table is
compared row by row, except
the columns that are wall clock or build identity by design
(docs/results-schema.md, "Determinism"): runs.id, runs.code_version,
runs.created_at, runs.scenario_path, summary.wall_seconds,
summary.peak_rss_bytes, summary.events_processed. Prints one line per
scenario; exits 1 if any differ. `--ignore TABLE.COLUMN` (repeatable) also
leaves out a column a change alters on purpose (a new column, a new
description), so the rest is still proved identical.
"""
import glob
import os
import sqlite3
import subprocess
import sys
import tempfile

SKIP = {"runs": {"id", "code_version", "created_at", "scenario_path"},
        "summary": {"wall_seconds", "peak_rss_bytes", "events_processed"}}


def dump(db):
    con = sqlite3.connect(db)
    out = {}
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    for t in tables:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[1] not in SKIP.get(t, set())]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall()
        out[t] = (cols, sorted(rows, key=repr))
    con.close()
    return out


def main():
    args = sys.argv[1:]
    while len(args) >= 2 and args[0] == "--ignore":
        table, _, column = args[1].partition(".")
        SKIP.setdefault(table, set()).add(column)
        args = args[2:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = args[0], args[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scenarios = args[2:] or sorted(glob.glob(os.path.join(root, "scenarios", "*.json")))
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for s in scenarios:
            dbs = []
            for tag, herd in (("old", old), ("new", new)):
                db = os.path.join(tmp, f"{tag}-{os.path.basename(s)}.sqlite")
                run = subprocess.run([herd, "sim", s, "--out", db, "--quiet"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
                if run.returncode == 2 and tag == "old":
                    break
                if run.returncode != 0:
                    sys.stderr.write(run.stderr)
                    return 1
                dbs.append(dump(db))
            if len(dbs) < 2:
                print(f"{os.path.basename(s)}: skipped (the old herd refuses it)")
                continue
            a, b = dbs
            diff = [t for t in sorted(set(a) | set(b)) if a.get(t) != b.get(t)]
            rows = sum(len(v[1]) for v in a.values())
            print(f"{os.path.basename(s)}: {'identical' if not diff else 'DIFFERENT in ' + ', '.join(diff)} ({rows} rows)")
            bad += bool(diff)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
