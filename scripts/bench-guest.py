#!/usr/bin/env python3
"""`just bench-guest`: the guest benchmark program (bench-guest/) inside
stock Linux (Debian's cloud kernel, scripts/fetch-linux.sh) and inside our
kernel once per fork strategy, all in the same QEMU with the same
initramfs; writes results.json, results.md and chart.svg (default
docs/bench/) and the marked section of docs/benchmarks.md.

Usage: scripts/bench-guest.py --kernel ELF [--quick] [--wall] [--runs N]
           [--verify] [--out DIR] [--require-all] [--jobs N] [--timeout S]
  --quick        few iterations per workload (the CI run)
  --wall         plain TCG (KVM if scripts/kvm-probe.sh says a guest boots
                 under it), wall-clock guest time, medians of --runs boots
                 (default 3); the default mode is deterministic (-icount)
  --verify       deterministic mode: boot every kernel twice and record
                 whether every figure was bit-identical
  --require-all  exit 1 unless every workload ran on every kernel (CI)
  --out DIR      where the report goes; docs/benchmarks.md is updated only
                 when DIR is docs/bench
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


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout.strip()


def build_programs():
    """Builds the static benchmark program and its exec helper."""
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "-q", "-p", "bench-guest", "--release",
                    "--target", "x86_64-unknown-linux-musl"], cwd=ROOT, check=True)
    out = target_dir / "x86_64-unknown-linux-musl" / "release"
    return out / "bench-guest", out / "bench-exit"


def meta(args, our_kernel, linux_info):
    elf = Path(our_kernel).read_bytes()
    honours = all(s.encode() in elf for s in report.STRATEGIES)
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
        "our_commit": sh(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT) + (" + uncommitted changes" if dirty else ""),
        "fork_note": None if honours else
        "this kernel has no parser for the strategy names (issue 5 not merged): it ignores fork=, "
        "so the four columns are the same kernel booted four times",
        "host": f"{cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def boot_all(args, linux_kernel, our_kernel, initrd, logs):
    """Every boot: (kernel name, run index) -> parsed run plus problems."""
    prog_args = ["--quick"] if args.quick else []
    jobs = [(k, i) for k in report.KERNELS for i in range(args.runs)]

    def one(job):
        k, i = job
        kind, kern = ("linux", linux_kernel) if k == "linux" else ("ours", our_kernel)
        text, secs, timed_out = run.boot(kind, kern, initrd, prog_args, not args.wall, args.timeout,
                                         strategy=k, log=logs / f"{k}-{i}.log", accel=args.accel)
        parsed = report.parse(text)
        problem = None
        if timed_out:
            problem = f"boot timed out after {args.timeout} s (log: {logs.name}/{k}-{i}.log)"
        elif not parsed["info"]:
            problem = f"the program never started (log: {logs.name}/{k}-{i}.log)"
        print(f"bench-guest: {k} boot {i + 1}: {len(parsed['results'])} ok, "
              f"{len(parsed['failures'])} failed, {secs:.0f} s" + (f"; {problem}" if problem else ""), flush=True)
        return job, parsed, problem, secs

    # Deterministic figures do not depend on host load, so boots run side
    # by side; wall-clock ones run one at a time.
    workers = args.jobs if not args.wall else 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return {job: rest for job, *rest in pool.map(one, jobs)}


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
    args = ap.parse_args(sys.argv[1:] + shlex.split(os.environ.get("BENCH_GUEST_FLAGS", "")))
    args.runs = args.runs or (3 if args.wall else 2 if args.verify else 1)
    args.timeout = args.timeout or (240 if args.quick else 1200)
    # Wall mode uses KVM where a probe guest really boots under it
    # (scripts/kvm-probe.sh); deterministic mode is always TCG.
    args.accel = sh([str(ROOT / "scripts/kvm-probe.sh"), args.kernel]) if args.wall else "tcg"

    bench, helper = build_programs()
    busybox = sh([str(ROOT / "scripts/fetch-busybox.sh")])
    linux_kernel = sh([str(ROOT / "scripts/fetch-linux.sh")])
    workloads = [ln.split()[0] for ln in sh([str(bench), "--list"]).splitlines()]
    work = ROOT / "build" / "bench-guest"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    initrd = work / "initramfs.cpio"
    run.build_initramfs(initrd, [bench, helper], busybox)

    boots = boot_all(args, linux_kernel, args.kernel, initrd, logs)
    results, boot_seconds, same = {}, {}, True
    for k in report.KERNELS:
        runs = [boots[(k, i)][0] for i in range(args.runs)]
        problem = next((boots[(k, i)][1] for i in range(args.runs) if boots[(k, i)][1]), None)
        results[k] = report.combine(workloads, runs, problem)
        boot_seconds[k] = [round(boots[(k, i)][2], 1) for i in range(args.runs)]
        if args.verify and not args.wall:
            halves = [report.combine(workloads, [r], problem) for r in runs]
            same = same and all(report.same_figures(halves[0], h) for h in halves[1:])
    m = meta(args, args.kernel, boots[("linux", 0)][0]["info"])
    m["deterministic_check"] = same if args.verify and not args.wall else None
    m["boot_seconds"] = boot_seconds
    rep = {"meta": m, "workloads": workloads, "results": results}

    out = Path(args.out)
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
    if args.require_all:
        problems = report.complete(rep)
        for p in problems:
            print(f"bench-guest: MISSING {p}", file=sys.stderr)
        if problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
