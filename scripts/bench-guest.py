#!/usr/bin/env python3
"""`just bench-guest`: the guest benchmark program (bench-guest/) inside
stock Linux (Debian's cloud kernel, scripts/fetch-linux.sh) and inside our
kernel once per fork strategy, all in the same QEMU with the same
initramfs; writes results.json, results.md and chart.svg (default
docs/bench/) and the marked section of docs/benchmarks.md.

Usage: scripts/bench-guest.py --kernel ELF [--quick] [--wall] [--runs N]
           [--verify] [--out DIR] [--require-all] [--jobs N] [--timeout S]
       scripts/bench-guest.py --report-only [--out DIR]
  --quick        few iterations per workload (the CI run)
  --wall         plain TCG (KVM if scripts/kvm-probe.sh says a guest boots
                 under it), wall-clock guest time, medians of --runs boots
                 (default 3); the default mode is deterministic (-icount)
  --verify       deterministic mode: boot every kernel twice and record
                 whether every figure was bit-identical
  --require-all  exit 1 unless every workload ran on Linux and on every
                 strategy but ghost (best-effort: its breakage is expected)
                 and every boot of ours reported the fork policy asked for
  --out DIR      where the report goes; docs/benchmarks.md is updated only
                 when DIR is docs/bench
  --report-only  boot nothing: rewrite the report (results.md, chart.svg,
                 the docs section) from DIR/results.json, upgraded to the
                 current schema_version
BENCH_GUEST_FLAGS in the environment adds flags (e.g. "--quick").
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_guest_report as report  # noqa: E402
import bench_guest_run as run  # noqa: E402
import bench_guest_svg as svg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
# Guest seconds one workload may run on a fork=ghost boot before the
# program's watchdog (bench-guest/src/watchdog.rs) kills it. The slowest
# workload of a full run takes a few guest seconds on Linux; a deadlocked
# guest is idle, and under -icount its clock jumps from tick to tick, so
# the wait costs the host seconds, not the boot's whole timeout.
GHOST_WATCHDOG_SECS = 30


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout.strip()


def build_programs():
    """Builds the static benchmark program, its exec helper and the
    watchdog of ghost boots."""
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "-q", "-p", "bench-guest", "--release",
                    "--target", "x86_64-unknown-linux-musl"], cwd=ROOT, check=True)
    out = target_dir / "x86_64-unknown-linux-musl" / "release"
    return [out / "bench-guest", out / "bench-exit", out / "bench-watchdog"]


def meta(args, linux_info):
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "kernel", "vm", "crates"],
                           cwd=ROOT).returncode != 0
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    pkg = (ROOT / "build" / "linux" / "version").read_text().strip()
    return {
        "mode": "wall" if args.wall else "deterministic",
        "quick": args.quick,
        "runs": args.runs,
        "qemu": sh(["qemu-system-x86_64", "--version"]).splitlines()[0],
        "qemu_args": " ".join([f"-accel {args.accel} -cpu {'host' if args.accel == 'kvm' else 'max'} -m",
                               run.GUEST_MEM] + ([] if args.wall else run.ICOUNT)),
        "linux_kernel": f"{linux_info.get('release', '?')} {linux_info.get('version', '')} (package {pkg})",
        "commit": sh(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT) + (" + uncommitted changes" if dirty else ""),
        "machine": f"{cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def boot_all(args, linux_kernel, our_kernel, initrd, logs, workloads):
    """Every run: (kernel name, run index) -> (parsed run, problem or None,
    seconds, the fork policy each of its boots reported)."""
    prog_args = ["--quick"] if args.quick else []
    # Longest first, so that two workers finish together: Linux's boot, and
    # ghost's several short ones (one more after each broken workload).
    order = sorted(report.KERNELS, key=lambda k: k != "linux" and k not in report.BEST_EFFORT)
    jobs = [(k, i) for k in order for i in range(args.runs)]

    def one(job):
        k, i = job
        kind, kern = ("linux", linux_kernel) if k == "linux" else ("ours", our_kernel)
        extra = ["--watchdog", str(GHOST_WATCHDOG_SECS)] if k in report.BEST_EFFORT else []
        # A best-effort (ghost) boot that ended before the program was done
        # (a workload crashed it, or hung and the watchdog killed it) is
        # followed by one for the workloads after the broken one; a boot
        # that timed out is not (the kernel itself is stuck).
        parts, names, secs, problem = [], [], 0.0, None
        while True:
            log = logs / (f"{k}-{i}.log" if not parts else f"{k}-{i}.{len(parts)}.log")
            text, s, timed_out = run.boot(kind, kern, initrd, prog_args + extra + names, not args.wall,
                                          args.timeout, strategy=k, log=log, accel=args.accel)
            parsed = report.parse(text)
            parts.append(parsed)
            secs += s
            if timed_out:
                problem = f"boot timed out after {args.timeout} s (log: {logs.name}/{log.name})"
            elif not parsed["info"]:
                problem = f"the program never started (log: {logs.name}/{log.name})"
            names = report.remaining(workloads, parsed) if k in report.BEST_EFFORT and not problem else []
            if not names:
                break
        parsed = report.merge(parts)
        print(f"bench-guest: {k} boot {i + 1}: {len(parsed['results'])} ok, "
              f"{len(parsed['failures'])} failed, {len(parts)} boot(s), {secs:.0f} s"
              + (f"; {problem}" if problem else ""), flush=True)
        return job, parsed, problem, secs, [p["info"].get("fork_policy") for p in parts]

    # Deterministic figures do not depend on host load, so boots run side
    # by side; wall-clock ones run one at a time.
    workers = args.jobs if not args.wall else 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return {job: rest for job, *rest in pool.map(one, jobs)}


def write_report(out, rep):
    """results.json, results.md and chart.svg in `out`; the docs section
    too when `out` is docs/bench."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(rep, indent=1, ensure_ascii=False) + "\n")
    md = report.markdown(rep)
    (out / "results.md").write_text("# Guest benchmarks: latest run\n\nGenerated by `just bench-guest`; "
                                    "method in docs/benchmarks.md.\n\n" + md)
    (out / "chart.svg").write_text(svg.chart(rep))
    if out.resolve() == (ROOT / "docs" / "bench").resolve():
        DOCS.write_text(report.update_docs(DOCS.read_text(), md))
    print(md)
    print(f"bench-guest: wrote {out}/results.json, results.md, chart.svg")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=str(ROOT / "target/x86_64-unknown-none/release/kernel"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--wall", action="store_true")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--require-all", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "docs" / "bench"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=int)
    ap.add_argument("--report-only", action="store_true")
    args = ap.parse_args(sys.argv[1:] + shlex.split(os.environ.get("BENCH_GUEST_FLAGS", "")))
    if args.report_only:
        out = Path(args.out)
        write_report(out, report.upgrade(json.loads((out / "results.json").read_text())))
        return
    args.runs = args.runs or (3 if args.wall else 2 if args.verify else 1)
    args.timeout = args.timeout or (240 if args.quick else 1200)
    # Wall mode uses KVM where a probe guest really boots under it
    # (scripts/kvm-probe.sh); deterministic mode is always TCG.
    args.accel = sh([str(ROOT / "scripts/kvm-probe.sh"), args.kernel]) if args.wall else "tcg"

    programs = build_programs()
    busybox = sh([str(ROOT / "scripts/fetch-busybox.sh")])
    linux_kernel = sh([str(ROOT / "scripts/fetch-linux.sh")])
    workloads = [ln.split()[0] for ln in sh([str(programs[0]), "--list"]).splitlines()]
    work = ROOT / "build" / "bench-guest"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    initrd = work / "initramfs.cpio"
    run.build_initramfs(initrd, programs, busybox)

    boots = boot_all(args, linux_kernel, args.kernel, initrd, logs, workloads)
    results, boot_seconds, same = {}, {}, True
    for k in report.KERNELS:
        runs = [boots[(k, i)][0] for i in range(args.runs)]
        problem = next((boots[(k, i)][1] for i in range(args.runs) if boots[(k, i)][1]), None)
        results[k] = report.combine(workloads, runs, problem)
        boot_seconds[k] = [round(boots[(k, i)][2], 1) for i in range(args.runs)]
        if args.verify and not args.wall:
            halves = [report.combine(workloads, [r], problem) for r in runs]
            same = same and all(report.same_figures(halves[0], h) for h in halves[1:])
    m = meta(args, boots[("linux", 0)][0]["info"])
    # What each boot of ours says it ran under (checked by report.complete).
    m["fork_policy"] = {k: [p for i in range(args.runs) for p in boots[(k, i)][3]] for k in report.STRATEGIES}
    m["deterministic_check"] = same if args.verify and not args.wall else None
    m["boot_seconds"] = boot_seconds
    rep = {"schema_version": report.SCHEMA_VERSION, "meta": m, "workloads": workloads, "results": results}
    write_report(Path(args.out), rep)
    if args.require_all:
        problems = report.complete(rep)
        for p in problems:
            print(f"bench-guest: MISSING {p}", file=sys.stderr)
        if problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
