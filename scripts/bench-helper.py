#!/usr/bin/env python3
"""Helper for scripts/bench: data sets, edits, S3Proxy metrics and the Markdown report.

  bench-helper.py gen DIR FILES SIZE DIRS SEED    deterministic data set (DIRS 0: flat)
  bench-helper.py pick DIR COUNT OFFSET           COUNT relative paths spread over DIR
  bench-helper.py rewrite DIR LIST SEED           new content, same size, for each listed file
  bench-helper.py scrape URL OUT                  S3Proxy /metrics -> "operation<TAB>count"
  bench-helper.py tls-probe URL CAFILE            one verified TLS handshake -> "TLSv1.3, CIPHER"
  bench-helper.py delta BEFORE AFTER              "total<TAB>Op=n Op:404=n ..."
  bench-helper.py json-field FILE FIELD           a field of p3backup's --json summary
  bench-helper.py restic-changed FILE             "N" from restic's "Files: x new, N changed"
  bench-helper.py tree ROOT FILES SEED            the scale tree of (g), see below
  bench-helper.py tree-change ROOT FILES SEED LIST TAG   rewrite 1% of it (new size), LIST
                                                  names them
  bench-helper.py tree-revert ROOT FILES SEED     put that 1% back as generated
  bench-helper.py report RESULTS.tsv META.env     the Markdown report on stdout

Standard library only; the data depend on SEED alone (random.Random is stable across
Python versions for randbytes).
"""
import concurrent.futures
import hashlib
import json
import os
import random
import re
import socket
import ssl
import statistics
import sys
import urllib.parse
import urllib.request

CHUNK = 8 << 20


def rng_for(seed, name):
    return random.Random(f"{seed}/{name}")


def write_random(path, size, rng):
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(CHUNK, left)
            f.write(rng.randbytes(n))
            left -= n


def cmd_gen(root, files, size, dirs, seed):
    files, size, dirs = int(files), int(size), int(dirs)
    os.makedirs(root, exist_ok=True)
    for i in range(files):
        if dirs > 0:
            sub = os.path.join(root, f"dir-{i % dirs:04d}")
            os.makedirs(sub, exist_ok=True)
            path = os.path.join(sub, f"file-{i:06d}.dat")
        else:
            path = os.path.join(root, f"big-{i:02d}.dat")
        write_random(path, size, rng_for(seed, os.path.relpath(path, root)))


def all_files(root):
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


def cmd_pick(root, count, offset):
    files = all_files(root)
    count, offset = int(count), int(offset)
    step = max(1, len(files) // count)
    picked = [files[(i * step + offset) % len(files)] for i in range(count)]
    for p in picked:
        print(p)


def cmd_rewrite(root, listfile, seed):
    with open(listfile, encoding="utf-8") as f:
        rels = [line.rstrip("\n") for line in f if line.strip()]
    for rel in rels:
        path = os.path.join(root, rel)
        size = os.path.getsize(path)
        rng = rng_for(seed, rel)
        with open(path, "r+b") as f:  # same inode, as an editor writing in place would
            f.write(rng.randbytes(size))
            f.truncate(size)


# ---------------------------------------------------------------- the scale tree of (g)
# FILES files in leaf directories of TREE_PER_DIR, the leaves grouped under about sqrt(leaves)
# top-level directories: ROOT/TTT/LLLLL/file-IIIIIII.dat. Sizes spread log-uniformly over
# 200..4000 bytes (mean about 1.3 KB; each file takes one 4 KiB block on ext4), content
# pseudo-random, both from SHAKE-128 of SEED and the index alone, so any file can be written
# again on its own (tree-revert) and the tree is the same on every machine.

TREE_PER_DIR = 200
TREE_MIN, TREE_MAX = 200, 4000


def tree_shape(files):
    leaves = max(1, -(-files // TREE_PER_DIR))
    per_top = max(1, int(leaves ** 0.5 + 0.999))
    return leaves, per_top


def tree_path(i, per_top):
    leaf = i // TREE_PER_DIR
    return f"{leaf // per_top:03d}/{leaf:05d}/file-{i:07d}.dat"


def tree_content(seed, i, tag=""):
    h = hashlib.shake_128(f"{seed}/tree{tag}/{i}".encode())
    head = h.digest(4)
    u = int.from_bytes(head, "big") / 2 ** 32
    size = int(TREE_MIN * (TREE_MAX / TREE_MIN) ** u)
    return h.digest(4 + size)[4:]


def tree_write(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def tree_leaves(args):
    root, files, seed, first, last = args
    _, per_top = tree_shape(files)
    n = 0
    for leaf in range(first, last):
        lo, hi = leaf * TREE_PER_DIR, min(files, (leaf + 1) * TREE_PER_DIR)
        os.makedirs(os.path.join(root, os.path.dirname(tree_path(lo, per_top))), exist_ok=True)
        for i in range(lo, hi):
            data = tree_content(seed, i)
            tree_write(os.path.join(root, tree_path(i, per_top)), data)
            n += len(data)
    return n


def cmd_tree(root, files, seed):
    files = int(files)
    leaves, _ = tree_shape(files)
    os.makedirs(root, exist_ok=True)
    step = max(1, leaves // 64)
    jobs = [(root, files, seed, a, min(leaves, a + step)) for a in range(0, leaves, step)]
    workers = max(1, min(4, os.cpu_count() or 1))
    with concurrent.futures.ProcessPoolExecutor(workers) as ex:
        total = sum(ex.map(tree_leaves, jobs))
    print(f"{files}\t{leaves}\t{total}")


def tree_changed(files):
    """The 1% that tree-change rewrites: every 100th file, spread over every directory."""
    return range(37 % max(1, files), files, 100) if files >= 100 else range(0, files)


def cmd_tree_change(root, files, seed, listfile, tag):
    files = int(files)
    _, per_top = tree_shape(files)
    with open(listfile, "w", encoding="utf-8") as out:
        for i in tree_changed(files):
            rel = tree_path(i, per_top)
            old = len(tree_content(seed, i))
            new = tree_content(seed, i, f"/changed/{tag}")
            if len(new) == old:  # the size changes as well as the mtime and content
                new += b"+"
            tree_write(os.path.join(root, rel), new)
            out.write(rel + "\n")


def cmd_tree_revert(root, files, seed):
    files = int(files)
    _, per_top = tree_shape(files)
    for i in tree_changed(files):
        tree_write(os.path.join(root, tree_path(i, per_top)), tree_content(seed, i))


LABEL_RE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def cmd_scrape(url, out):
    with urllib.request.urlopen(url, timeout=30) as r:
        text = r.read().decode("utf-8")
    counts = {}
    for line in text.splitlines():
        if not line.startswith("http_server_request_duration_seconds_count{"):
            continue
        labels_part, _, value = line.rpartition("} ")
        labels = dict(LABEL_RE.findall(labels_part))
        op = labels.get("s3_operation", labels.get("http_request_method", "?"))
        status = labels.get("http_response_status_code", "")
        key = op if status.startswith("2") or not status else f"{op}:{status}"
        counts[key] = counts.get(key, 0) + int(float(value))
    with open(out, "w", encoding="utf-8") as f:
        for k in sorted(counts):
            f.write(f"{k}\t{counts[k]}\n")


def cmd_tls_probe(url, cafile):
    """One handshake as a client that trusts CAFILE alone, hostname checked; what it negotiated."""
    u = urllib.parse.urlsplit(url)
    ctx = ssl.create_default_context(cafile=cafile)
    try:
        with socket.create_connection((u.hostname, u.port or 443), timeout=30) as raw:
            with ctx.wrap_socket(raw, server_hostname=u.hostname) as tls:
                name, _, bits = tls.cipher()
                print(f"{tls.version()}, {name}")
    except (OSError, ssl.SSLError) as e:
        print(f"bench-helper: TLS to {url} with {cafile}: {e}", file=sys.stderr)
        sys.exit(1)


def read_counts(path):
    counts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, v = line.rstrip("\n").split("\t")
            counts[k] = int(v)
    return counts


def cmd_delta(before, after):
    b, a = read_counts(before), read_counts(after)
    diff = {k: a.get(k, 0) - b.get(k, 0) for k in set(a) | set(b)}
    diff = {k: v for k, v in diff.items() if v}
    total = sum(diff.values())
    mix = " ".join(f"{k}={v}" for k, v in sorted(diff.items(), key=lambda kv: (-kv[1], kv[0])))
    print(f"{total}\t{mix or '-'}")


def cmd_json_field(path, field):
    try:
        with open(path, encoding="utf-8") as f:
            print(json.load(f).get(field, ""))
    except (OSError, ValueError):
        print("")


def cmd_restic_changed(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        m = re.search(r"Files:\s+(\d+) new,\s+(\d+) changed", f.read())
    print(m.group(2) if m else "")


# ---------------------------------------------------------------- report

# (g) has five steps per file count N: gN (first backup), gN-c (no change), gN-d (1% changed),
# gN-f (restore), gN-v (verify); the counts come from the run's meta.env.
FIXED_SCENARIOS = ["startup", "s", "a", "b", "c", "d", "d2", "e", "f-a", "f-b"]
G_STEPS = ["", "-c", "-d", "-f", "-v"]
PLAIN_PEERS = ["aws", "rclone"]
P3_ROWS = ["p3backup", "p3backup-native"]  # the JVM jar, the native executable


def fnum(x, digits=None):
    if x is None:
        return "–"
    if digits is None:
        digits = 2 if x < 10 else 1 if x < 100 else 0
    return f"{x:.{digits}f}"


def load_meta(path):
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, _, v = line.rstrip("\n").partition("=")
                meta[k] = v
    return meta


def load_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


class Cell:
    """The runs of one tool in one scenario."""

    def __init__(self, runs):
        self.runs = runs
        ok = [r for r in runs if r["rc"] == "0"]
        self.ok = ok
        self.failed = [r for r in runs if r["rc"] not in ("0", "na")]
        self.na = all(r["rc"] == "na" for r in runs)
        self.note = "; ".join(sorted({r["note"] for r in runs if r["note"]}))

        def med(key, fn=float):
            vals = [fn(r[key]) for r in ok if r[key] not in ("", "-")]
            return statistics.median(vals) if vals else None

        self.wall = med("wall")
        walls = [float(r["wall"]) for r in ok]
        self.wall_min = min(walls) if walls else None
        self.wall_max = max(walls) if walls else None
        cpus = [float(r["user"]) + float(r["sys"]) for r in ok]
        self.cpu = statistics.median(cpus) if cpus else None
        self.rss = med("rss_kib")
        self.requests = med("requests")
        caught = sorted({r["caught"] for r in runs if r["caught"]})
        self.caught = ", ".join(caught)
        self.mix = ok[-1]["mix"] if ok else "-"


def scale_section(w, meta, cells, counts, p3_rows, verdict):
    """Issue 14: (g) by file count, and its targets (set for the native executable)."""
    lo, hi = min(counts), max(counts)
    step_names = {"": "first backup", "-c": "no-change rerun", "-d": "1% changed",
                  "-f": "restore", "-v": "verify"}
    w("## Scale (g) by file count (issue 14)")
    w("")
    for n in counts:
        if meta.get(f"g.tree.{n}"):
            w(f"- Tree of {n:,} files: {meta[f'g.tree.{n}']}")
    w("")
    w("| tool | files | step | wall s | CPU s | peak RSS MiB | requests | files/s | notes |")
    w("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    tools = [t for t in meta.get("tools", "").split(",") if t]
    for t in tools:
        for n in counts:
            for st in G_STEPS:
                c = cells.get((f"g{n}{st}", t))
                if c is None:
                    continue
                if c.na or c.wall is None:
                    w(f"| {t} | {n:,} | {step_names[st]} | – | – | – | – | – | {c.note or 'failed'} |")
                    continue
                rate = f"{n / c.wall:,.0f}" if st in ("", "-f") and c.wall else ""
                rss = fnum(c.rss / 1024, 0) if c.rss is not None else "–"
                req = f"{c.requests:,.0f}" if c.requests is not None else "–"
                notes = c.note
                if c.failed:
                    notes = f"**{len(c.failed)} of {len(c.runs)} runs failed**; " + notes
                w(f"| {t} | {n:,} | {step_names[st]} | {fnum(c.wall)} | {fnum(c.cpu)} | {rss} | {req} | {rate} | {notes} |")
    w("")

    def peak(t, n):
        """The highest median peak RSS of the count's steps, and the step."""
        best = None
        for st in G_STEPS:
            c = cells.get((f"g{n}{st}", t))
            if c and c.rss is not None and (best is None or c.rss > best[0]):
                best = (c.rss, step_names[st])
        return best

    def rate(t, n):
        c = cells.get((f"g{n}", t))
        return n / c.wall if c and c.wall else None

    w("Targets (issue 14, for the native executable; the JVM row for comparison). Peak RSS is the "
      "highest of the five steps'; manifest GETs are the rerun's GetObject requests (a backup "
      "GETs nothing but a snapshot's manifest).")
    w("")
    w("| target | tool | measured | met |")
    w("| --- | --- | --- | --- |")
    for t in sorted(p3_rows, key=lambda x: x != "p3backup-native"):
        if len(counts) > 1:
            a, b = peak(t, lo), peak(t, hi)
            if a and b:
                r = b[0] / a[0]
                w(f"| peak RSS at {hi:,} ≤ 1.2× at {lo:,} | {t} | {r:.2f}× ({b[0] / 1024:.0f} MiB, {b[1]}, vs "
                  f"{a[0] / 1024:.0f} MiB, {a[1]}) | {verdict(r <= 1.2)} |")
            ra, rb = rate(t, lo), rate(t, hi)
            if ra and rb:
                w(f"| first-backup rate at {hi:,} ≥ 0.9× at {lo:,} | {t} | {rb / ra:.2f}× ({rb:,.0f} vs "
                  f"{ra:,.0f} files/s) | {verdict(rb / ra >= 0.9)} |")
        else:
            w(f"| peak RSS and first-backup rate at 1,000,000 against 100,000 | {t} | one count only "
              f"({lo:,}): no ratio | – |")
        for n in counts:
            at = "" if n == 1000000 else f" (target set at 1,000,000; here {n:,})"
            p = peak(t, n)
            if p:
                w(f"| peak RSS ≤ 150 MiB{at} | {t} | {p[0] / 1024:.0f} MiB ({p[1]}) | {verdict(p[0] <= 150 * 1024)} |")
            c = cells.get((f"g{n}-c", t))
            if c and c.wall is not None:
                gets = sorted({x["note"].split("manifest GETs ")[-1] for x in c.ok if "manifest GETs" in x["note"]})
                no_get = gets == ["0"]
                ok = c.wall <= 5 and c.requests is not None and c.requests <= 3 and no_get
                w(f"| no-change rerun ≤ 5 s, ≤ 3 requests, no manifest download{at} | {t} | {fnum(c.wall)} s "
                  f"({fnum(c.cpu)} s CPU), {c.requests:,.0f} requests ({c.mix}), manifest GETs "
                  f"{', '.join(gets) or '?'} | {verdict(ok)} |")
            c = cells.get((f"g{n}-d", t))
            if c and c.ok:
                expect = len(range(37 % n, n, 100)) if n >= 100 else n
                ups = sorted({x["note"].split(";")[0] for x in c.ok})
                exact = all(x["note"].startswith(f"uploaded {expect};") for x in c.ok)
                w(f"| 1% rerun uploads exactly the {expect:,} changed files ({n:,}) | {t} | {', '.join(ups)} | "
                  f"{verdict(exact)} |")
    w("")


def cmd_report(results, metapath):
    meta = load_meta(metapath)
    rows = load_rows(results)
    tools = meta.get("tools", "p3backup,p3backup-native,aws,rclone,restic").split(",")
    p3_rows = [t for t in P3_ROWS if t in tools]
    g_counts = [int(x) for x in meta.get("g.counts", "").split(",") if x]
    SCENARIOS = FIXED_SCENARIOS + [f"g{n}{st}" for n in g_counts for st in G_STEPS]
    cells = {}
    for s in SCENARIOS:
        for t in tools:
            runs = [r for r in rows if r["scenario"] == s and r["tool"] == t]
            if runs:
                cells[(s, t)] = Cell(runs)
    out = []
    w = out.append
    tls = meta.get("tls") == "1"
    w(f"# p3backup benchmark — {meta.get('date', '')}" + (" — over TLS" if tls else ""))
    w("")
    w(f"- Machine: {meta.get('machine', '')}")
    w(f"- Repetitions: {meta.get('reps')} per tool and scenario, tools alternating within each "
      f"repetition; figures are medians, with min–max of wall time."
      + (" **--small: every data set scaled down 10×.**" if meta.get("small") == "1" else ""))
    w(f"- Load average: {meta.get('load', '')}; whole run {meta.get('elapsed', '')}")
    w(f"- Server: {meta.get('server', '')}")
    if meta.get("transport"):
        w(f"- Transport: {'**' + meta['transport'] + '**' if tls else meta['transport']}")
    w(f"- Tools: {meta.get('versions', '')}")
    if meta.get("p3backup"):
        w(f"- p3backup: {meta.get('p3backup')}")
    if meta.get("p3backup-native"):
        w(f"- p3backup-native: {meta.get('p3backup-native')}")
    w("- Requests: HTTP requests S3Proxy counted during the run (its Prometheus metrics, "
      "`http_server_request_duration_seconds_count`), setup and checks excluded.")
    w("- CPU: client user+sys seconds; RSS: client peak resident set (GNU time `%M`).")
    w("")
    w("| scenario | tool | wall s (median) | wall min–max | CPU s | peak RSS MiB | requests | edits caught | notes |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for s in SCENARIOS:
        for t in tools:
            c = cells.get((s, t))
            if c is None:
                continue
            label = meta.get(f"label.{s}", s)
            if c.na:
                w(f"| {label} | {t} | n/a | | | | | | {c.note or 'not available'} |")
                continue
            notes = c.note
            if c.failed:
                rcs = ",".join(sorted({r["rc"] for r in c.failed}))
                notes = (f"**{len(c.failed)} of {len(c.runs)} runs failed (exit {rcs})**; " + notes).rstrip("; ")
            rng = f"{fnum(c.wall_min)}–{fnum(c.wall_max)}" if c.wall is not None else "–"
            rss = fnum(c.rss / 1024, 0) if c.rss is not None else "–"
            req = f"{c.requests:,.0f}" if c.requests is not None else "–"
            w(f"| {label} | {t} | {fnum(c.wall)} | {rng} | {fnum(c.cpu)} | {rss} | {req} | {c.caught} | {notes} |")
    w("")

    # Ratios and targets.
    def wall(s, t):
        c = cells.get((s, t))
        return c.wall if c else None

    def best(s, peers):
        cand = [(wall(s, p), p) for p in peers if p in tools and wall(s, p) is not None]
        return min(cand) if cand else (None, None)

    w("## p3backup against the peers (median wall time ratios)")
    w("")
    w("| scenario | tool | wall s | best plain-object peer | ratio | restic s | ratio to restic |")
    w("| --- | --- | ---: | --- | ---: | ---: | ---: |")
    for s in SCENARIOS[1:]:
        bw, bp = best(s, PLAIN_PEERS)
        rw = wall(s, "restic")
        for t in p3_rows:
            p3 = wall(s, t)
            if p3 is None and bw is None and rw is None:
                continue
            ratio = f"{p3 / bw:.2f}×" if p3 is not None and bw else "–"
            rratio = f"{p3 / rw:.2f}×" if p3 is not None and rw else "–"
            peer = f"{bp} {fnum(bw)} s" if bp else "–"
            w(f"| {meta.get(f'label.{s}', s)} | {t} | {fnum(p3)} | {peer} | {ratio} | {fnum(rw)} | {rratio} |")
    w("")

    def verdict(ok):
        return "–" if ok is None else ("yes" if ok else "**no**")

    native_slower = []
    if len(p3_rows) == 2:
        w("## p3backup-native against p3backup (JVM), same run")
        w("")
        w("The native executable's median wall and CPU seconds divided by the JVM jar's, and both "
          "peak RSS figures; issue 12's target is no scenario slower (wall ratio ≤ 1.00×).")
        w("")
        w("| scenario | JVM wall s | native wall s | native/JVM wall | native/JVM CPU | peak RSS MiB JVM → native | not slower |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for s in SCENARIOS:
            j, n = cells.get((s, "p3backup")), cells.get((s, "p3backup-native"))
            if j is None or n is None or j.na or n.na:
                continue
            if j.wall is None or n.wall is None:
                w(f"| {meta.get(f'label.{s}', s)} | {fnum(j.wall)} | {fnum(n.wall)} | – | – | | – |")
                continue
            wr = f"{n.wall / j.wall:.2f}×" if j.wall else "–"
            cr = f"{n.cpu / j.cpu:.2f}×" if j.cpu and n.cpu is not None else "–"
            rss = (f"{j.rss / 1024:.0f} → {n.rss / 1024:.0f}"
                   if j.rss is not None and n.rss is not None else "–")
            ok = n.wall <= j.wall
            if not ok:
                native_slower.append(s)
            w(f"| {meta.get(f'label.{s}', s)} | {fnum(j.wall)} | {fnum(n.wall)} | {wr} | {cr} | {rss} | {verdict(ok)} |")
        w("")

    w("## Targets (issue 5)")
    w("")
    w("| target | tool | measured | met |")
    w("| --- | --- | --- | --- |")

    def cell(s, t="p3backup"):
        return cells.get((s, t))

    def ratio_target(s, limit, peers, what, t):
        if cell(s, t) is None:  # not run in this run
            return
        p3 = wall(s, t)
        bw, bp = best(s, peers)
        if p3 is None or bw is None:
            w(f"| ({s}) {what} ≤ {limit}× | {t} | – | – |")
            return
        r = p3 / bw
        w(f"| ({s}) {what} ≤ {limit}× | {t} | {r:.2f}× ({fnum(p3)} s vs {bp} {fnum(bw)} s) | {verdict(r <= limit)} |")

    # Issue 5's and 12's targets of (g) were set at 100,000 files: the first count is checked.
    g0 = f"g{g_counts[0]}" if g_counts else "g"
    nfiles = {"a": int(meta.get("a.files", "0")), "g": g_counts[0] if g_counts else 0}
    edits = int(meta.get("edits", "0"))

    def targets_of(t):
        ratio_target("a", 0.65, PLAIN_PEERS, "wall vs best plain peer", t)
        c = cell("a", t)
        if c and c.requests is not None:
            w(f"| (a) requests ≤ files + 10 ({nfiles['a']:,} + 10) | {t} | {c.requests:,.0f} ({c.mix}) | "
              f"{verdict(c.requests <= nfiles['a'] + 10)} |")
        ratio_target("b", 0.6, PLAIN_PEERS, "wall vs best plain peer", t)
        c = cell("b", t)
        bw, bp = best("b", PLAIN_PEERS)
        if c and c.cpu is not None and bp:
            pc = cells[("b", bp)].cpu
            w(f"| (b) CPU ≤ best peer's ({bp}) | {t} | {fnum(c.cpu)} s vs {fnum(pc)} s | "
              f"{verdict(pc is not None and c.cpu <= pc)} |")
        if c and c.rss is not None:
            w(f"| (b) peak RSS < 512 MiB | {t} | {c.rss / 1024:.0f} MiB | {verdict(c.rss < 512 * 1024)} |")
        ratio_target("c", 1.0, ["restic"], "wall vs restic", t)
        c = cell("c", t)
        if c and c.requests is not None:
            w(f"| (c) requests ≤ 5 | {t} | {c.requests:,.0f} ({c.mix}) | {verdict(c.requests <= 5)} |")
        for s in ("d", "d2"):
            c = cell(s, t)
            if c:
                ups = sorted({r["note"] for r in c.runs if r["note"]})
                exact = all(r["note"] == f"uploaded {edits}" for r in c.ok) and bool(c.ok)
                w(f"| ({s}) exactly the {edits} changed files uploaded | {t} | {', '.join(ups) or '–'}; "
                  f"caught {c.caught or '–'} | {verdict(exact)} |")
            ratio_target(s, 1.2, ["restic"], "wall vs restic", t)
        ratio_target("e", 0.8, PLAIN_PEERS, "wall vs best plain peer", t)
        for s in ("f-a", "f-b"):
            if cell(s, t) and cell(s, t).na:
                w(f"| ({s}) restore ≤ 1.0× fastest peer | {t} | restore not available | – |")
            else:
                ratio_target(s, 1.0, PLAIN_PEERS + ["restic"], "restore vs fastest peer", t)
        c, base = cell(g0, t), cell("startup", t)
        if c and c.rss is not None and base and base.rss is not None and nfiles["g"]:
            per = (c.rss - base.rss) * 1024 / nfiles["g"]
            w(f"| (g) peak RSS ≤ 1 KiB per file above its `--version` ({nfiles['g']:,} files) | {t} | {per:.0f} B per file "
              f"({c.rss / 1024:.0f} MiB vs `--version` {base.rss / 1024:.0f} MiB) | {verdict(per <= 1024)} |")
        c = cell(f"{g0}-c", t)
        if c and c.wall is not None:
            w(f"| (g) no-change rerun ≤ 3 s ({nfiles['g']:,} files) | {t} | {fnum(c.wall)} s | {verdict(c.wall <= 3)} |")
        base = cell("startup", t)
        if base and base.wall is not None:
            w(f"| start-up (`p3backup --version`) | {t} | {fnum(base.wall)} s wall, {fnum(base.cpu)} s CPU, "
              f"{base.rss / 1024:.0f} MiB | (information) |")

    for t in p3_rows:
        targets_of(t)
    w("")

    if "p3backup-native" in p3_rows:
        w("## Targets of the native executable (issue 12)")
        w("")
        w("| target | measured | met |")
        w("| --- | --- | --- |")
        t = "p3backup-native"
        c = cell("startup", t)
        if c and c.wall is not None:
            w(f"| `p3backup --version` ≤ 0.02 s | {fnum(c.wall)} s ({fnum(c.cpu)} s CPU, {c.rss / 1024:.0f} MiB) | "
              f"{verdict(c.wall <= 0.02)} |")
        else:
            w("| `p3backup --version` ≤ 0.02 s | no successful run | – |")
        c = cell("s", t)
        if c and c.wall is not None:
            req = f", {c.requests:,.0f} requests" if c.requests is not None else ""
            w(f"| (s) first backup of 5 small files to a fresh bucket ≤ 0.15 s wall | {fnum(c.wall)} s "
              f"({fnum(c.cpu)} s CPU{req}) | {verdict(c.wall <= 0.15)} |")
        else:
            w("| (s) first backup of 5 small files to a fresh bucket ≤ 0.15 s wall | "
              f"{'no successful run' if c else 'not run'} | – |")
        c = cell(g0, t)
        if c and c.rss is not None:
            scaled = "" if nfiles["g"] == 100000 else f" (**{nfiles['g']:,} files, not 100,000**)"
            w(f"| (g) peak RSS ≤ 100 MiB | {c.rss / 1024:.0f} MiB{scaled} | {verdict(c.rss <= 100 * 1024)} |")
        else:
            w(f"| (g) peak RSS ≤ 100 MiB | {'no successful run' if c else 'not run'} | – |")
        if "p3backup" in p3_rows:
            compared = [s for s in SCENARIOS
                        if cells.get((s, "p3backup")) and cells.get((s, t))
                        and cells[(s, "p3backup")].wall is not None and cells[(s, t)].wall is not None]
            if compared:
                slower = ", ".join(f"({s})" if s != "startup" else "start-up" for s in native_slower)
                w(f"| no scenario slower than the JVM jar in the same run | "
                  f"{'slower in ' + slower if native_slower else f'faster or equal in all {len(compared)}'} | "
                  f"{verdict(not native_slower)} |")
        else:
            w("| no scenario slower than the JVM jar in the same run | JVM row not run | – |")
        w("")

    if g_counts:
        scale_section(w, meta, cells, g_counts, p3_rows, verdict)

    w("## Requests by operation (last successful run of each)")
    w("")
    w("| scenario | tool | requests by S3 operation (`:status` when not 2xx) |")
    w("| --- | --- | --- |")
    for s in SCENARIOS[1:]:
        for t in tools:
            c = cells.get((s, t))
            if c and c.ok:
                w(f"| {meta.get(f'label.{s}', s)} | {t} | {c.mix} |")
    w("")
    print("\n".join(out))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    table = {
        "gen": cmd_gen, "pick": cmd_pick, "rewrite": cmd_rewrite, "scrape": cmd_scrape,
        "tls-probe": cmd_tls_probe, "tree": cmd_tree, "tree-change": cmd_tree_change,
        "tree-revert": cmd_tree_revert,
        "delta": cmd_delta, "json-field": cmd_json_field, "restic-changed": cmd_restic_changed,
        "report": cmd_report,
    }
    if cmd not in table:
        print(__doc__, file=sys.stderr)
        return 2
    table[cmd](*args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
