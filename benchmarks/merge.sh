#!/usr/bin/env bash
# The merge step as one task (basin stitch) against the tree of tasks (basin merge-level per level, then
# basin merge-finish) on the same watershed chunk files, each task its own process as in the pipeline. Prints per
# level: tasks, CPU s (user + sys, all tasks), the slowest task's wall s, the largest task's peak RSS and input bytes;
# then checks that both give the same id tables up to renaming and the same tree (needs h5py).
#
#   benchmarks/merge.sh WATERSHED_DIR [WATERSHED THRESHOLD OPTIONS...]
#   FAN=2,2,2 (x,y,z) OUT=/tmp/merge-bench BASIN_MEMORY=4g benchmarks/merge.sh results/intermediate/watershed --t-high 0.99
#   FIRST=2,2,4: level 1's fan-in (default FAN; the pipeline's is its watershed block, plan.json merge_first_fan_in_xyz);
#   KEEP=0: without the region graph (the pipeline carries it only for AGGLOMERATE)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
W=$1; shift
FAN=${FAN:-2,2,2} FIRST=${FIRST:-${FAN:-2,2,2}} KEEP=${KEEP:-1} OUT=${OUT:-$(mktemp -d /tmp/merge-bench.XXXX)} BASIN=${BASIN:-$here/bin/basin} \
  exec /usr/bin/python3 - "$W" "$@" <<'PY'
import os, re, subprocess, sys, glob, math
W, thresholds = sys.argv[1], sys.argv[2:]
fan = [int(v) for v in os.environ["FAN"].split(",")]  # x, y, z
first = [int(v) for v in os.environ["FIRST"].split(",")]
keep = ["--keep-region-graph"] if os.environ["KEEP"] == "1" else []
out, basin = os.environ["OUT"], os.environ["BASIN"]
os.makedirs(out, exist_ok=True)
files = sorted(glob.glob(os.path.join(W, "**", "chunk_*.watershed.h5"), recursive=True))
pos = {}
for f in files:
    x, y, z = map(int, re.match(r"chunk_(\d+)_(\d+)_(\d+)\.", os.path.basename(f)).groups())
    pos[(x, y, z)] = f
grid = [max(p[a] for p in pos) + 1 for a in range(3)]  # x, y, z

def timed(args):
    r = subprocess.run(["/usr/bin/time", "-f", "TIME %U %S %e %M"] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (r.returncode, " ".join(args), r.stderr[-3000:]))
    u, s, e, m = r.stderr.strip().splitlines()[-1].split()[1:]
    return float(u) + float(s), float(e), int(m) * 1024, r.stderr

def row(name, tasks, runs, inputs):
    print("%-22s %5d %9.1f %9.1f %10.0f %12.0f" % (name, tasks, sum(r[0] for r in runs), max(r[1] for r in runs),
          max(r[2] for r in runs) / 2**20, max(inputs) / 2**20))

print("%d chunk files, grid %s (x,y,z), fan-in %s, level 1 %s, region graph %s" % (len(files), grid, fan, first, "kept" if keep else "not kept"))
print("%-22s %5s %9s %9s %10s %12s" % ("step", "tasks", "CPU s", "wall s", "RSS MiB", "input MiB"))
single = os.path.join(out, "single"); os.makedirs(single, exist_ok=True)
folders = sorted({os.path.dirname(f) for f in files})
r = timed([basin, "stitch"] + folders + ["--id-tables", single, "--tree", os.path.join(out, "single-tree.h5")]
          + (["--region-graph", os.path.join(out, "single-graph.h5")] if keep else []) + ["--overwrite"] + thresholds)
row("single task (stitch)", 1, [r], [sum(os.path.getsize(f) for f in files)])
# levels: the grid of each, as HierarchicalMerge.plan makes it
levels = [grid]
while True:
    g = levels[-1]
    f = first if len(levels) == 1 else fan
    nxt = [math.ceil(g[a] / f[a]) for a in range(3)]
    if nxt == g and len(levels) > 1:
        nxt = [1, 1, 1]
    levels.append(nxt)
    if nxt == [1, 1, 1]:
        break
def step(L):
    return [(first if L == 1 else fan)[a] if levels[L][a] > 1 else max(1, levels[L - 1][a]) for a in range(3)]
tasks_dir = os.path.join(out, "tasks"); os.makedirs(tasks_dir, exist_ok=True)
total_cpu = 0.0
for L in range(1, len(levels)):
    f = step(L)
    runs, inputs, opened = [], [], []
    for bx in range(levels[L][0]):
        for by in range(levels[L][1]):
            for bz in range(levels[L][2]):
                kids = [(x, y, z) for x in range(bx * f[0], min(levels[L - 1][0], bx * f[0] + f[0]))
                        for y in range(by * f[1], min(levels[L - 1][1], by * f[1] + f[1]))
                        for z in range(bz * f[2], min(levels[L - 1][2], bz * f[2] + f[2]))]
                ins = [pos[k] for k in kids] if L == 1 else [os.path.join(tasks_dir, "L%d_%d_%d_%d.h5" % ((L - 1,) + k)) for k in kids]
                target = os.path.join(tasks_dir, "L%d_%d_%d_%d.h5" % (L, bx, by, bz))
                runs.append(timed([basin, "merge-level", "--level", str(L), "--position", "%d,%d,%d" % (bx, by, bz), "--fan-in",
                                   os.environ["FAN"], "--first-fan-in", os.environ["FIRST"], "--output", target, "--overwrite"] + keep + thresholds + ins))
                log = [l for l in runs[-1][3].splitlines() if "level %d task" % L in l]
                if log:
                    opened.append(int(re.search(r"(\d+) open", log[-1]).group(1)))
                inputs.append(sum(os.path.getsize(i) for i in ins))
    total_cpu += sum(r[0] for r in runs)
    row("level %d%s" % (L, " (top)" if L == len(levels) - 1 else ""), len(runs), runs, inputs)
    if opened and L < len(levels) - 1:
        print("%22s largest task left %d segments open, all its tasks %d" % ("", max(opened), sum(opened)))
tree_dir = os.path.join(out, "tree"); os.makedirs(tree_dir, exist_ok=True)
task_files = sorted(glob.glob(os.path.join(tasks_dir, "*.h5")))
r = timed([basin, "merge-finish", "--id-tables", tree_dir, "--tree", os.path.join(out, "tree-tree.h5")]
          + (["--region-graph", os.path.join(out, "tree-graph.h5")] if keep else []) + ["--overwrite"] + task_files)
row("merge-finish", 1, [r], [sum(os.path.getsize(t) for t in task_files)])
print("tree of tasks, CPU in all: %.1f s" % (total_cpu + r[0]))
try:
    import h5py, numpy as np
except ImportError:
    print("no h5py: results not compared"); sys.exit(0)
fwd, back = {}, {}
for t in sorted(glob.glob(os.path.join(single, "*.ids.h5"))):
    a, b = h5py.File(t, "r"), h5py.File(os.path.join(tree_dir, os.path.basename(t)), "r")
    for name in a:
        x, y = a[name][:], b[name][:]
        assert x.shape == y.shape, name
        for u, v in zip(x.tolist(), y.tolist()):
            assert (u == 0) == (v == 0), name
            assert fwd.setdefault(u, v) == v and back.setdefault(v, u) == u, name
ta, tb = h5py.File(os.path.join(out, "single-tree.h5"), "r"), h5py.File(os.path.join(out, "tree-tree.h5"), "r")
ea, eb = ta["edges"][:], tb["edges"][:]
mapped = np.sort(np.vectorize(lambda v: fwd[int(v)])(ea), axis=1) if len(ea) else ea
assert (mapped == eb).all() and (ta["affinity"][:] == tb["affinity"][:]).all()
mg = []
if keep:
    ga, gb = h5py.File(os.path.join(out, "single-graph.h5"), "r"), h5py.File(os.path.join(out, "tree-graph.h5"), "r")
    mg = np.sort(np.vectorize(lambda v: fwd[int(v)])(ga["edges"][:]), axis=1)
    assert (mg == gb["edges"][:]).all() and all((ga[k][:] == gb[k][:]).all() for k in ("affinity", "key", "sum", "count"))
print("same id tables up to renaming (%d segments), same tree (%d edges) and region graph (%d edges)" % (len(fwd) - 1, len(eb), len(mg)))
PY
