"""Parses the guest benchmark program's output and writes the report:
results.json, results.md (workload by Linux and each fork strategy of our
kernel: ns/iter and ratio to Linux) and the performance targets. The
chart is bench_guest_svg.py. Every table here is generated: never edit one
by hand.
"""
import statistics

# results.json's layout. 1: top-level "schema_version", meta "machine"
# and "commit" (before: no version, "host" and "our_commit").
SCHEMA_VERSION = 1

STRATEGIES = ["classic", "ondemand", "hybrid", "ghost"]
KERNELS = ["linux"] + STRATEGIES
# Columns whose workloads may break without failing a CI run. fork=ghost
# is UNSAFE by design (the lower bound and the libc-barrier demo), so its
# broken cells are the expected result, reported, never required.
BEST_EFFORT = {"ghost"}
BROKE_NOTE = (
    "broke: fork=ghost runs every fork as a vfork with one shared address space, "
    "on purpose (it is the lower bound, and the demonstration that libc cannot "
    "survive sharing). musl's fork() wrapper returns in the child on the parent's "
    "stack and writes the child's thread state into the parent's memory, which can "
    "corrupt the parent; a child that waits for its parent deadlocks, since the "
    "parent sleeps until the child execs or exits (a watchdog kills such a boot, "
    "and the harness boots again for the workloads after it). These cells are "
    "expected and do not fail `--require-all`.")
DOCS_BEGIN = "<!-- bench-guest:begin -->"
DOCS_END = "<!-- bench-guest:end -->"


def parse(text):
    """One boot's serial output -> {"info", "results", "failures", "planned",
    "done", "ended"}. Lines not from the program are ignored, but for how
    the program ended ("ended": "signal SIGSEGV", "exit 0"; None if no
    line says), from our kernel's line on its init or the Linux /init's
    `BENCH_EXIT <shell status>`. Otherwise a line is the program's only if
    it starts with a BENCH word."""
    run = {"info": {}, "results": {}, "failures": {}, "planned": [], "done": False, "ended": None}
    for line in text.splitlines():
        words = line.strip().split(" ")
        tag, rest = words[0], words[1:]
        if line.startswith("[kernel: init ") and " ended: " in line:
            run["ended"] = line.split(" ended: ", 1)[1].split(";")[0]
        elif tag == "BENCH_EXIT" and len(rest) == 1 and rest[0].isdigit():
            code = int(rest[0])
            run["ended"] = f"signal {code - 128}" if code > 128 else f"exit {code}"
        elif tag == "BENCH_INFO" and rest:
            run["info"][rest[0]] = " ".join(rest[1:])
        elif tag == "BENCH_PLAN" and len(rest) == 2:
            if rest[0] not in run["planned"]:
                run["planned"].append(rest[0])
        elif tag == "BENCH" and len(rest) == 3 and rest[1].isdigit() and rest[2].isdigit():
            run["results"][rest[0]] = {"iterations": int(rest[1]), "ns_per_iter": int(rest[2])}
        elif tag == "BENCH_FAIL" and rest:
            run["failures"][rest[0]] = " ".join(rest[1:])
        elif tag == "BENCH_DONE":
            run["done"] = True
    return run


def merge(runs):
    """Consecutive boots of one kernel that together ran the workloads
    once (a ghost boot that broke, then one for the workloads after the
    broken one) -> one run. The first boot's info wins."""
    out = {"info": {}, "results": {}, "failures": {}, "planned": [], "done": False, "ended": None}
    for run in runs:
        for key, value in run["info"].items():
            out["info"].setdefault(key, value)
        out["results"].update(run["results"])
        for name, why in run["failures"].items():
            out["failures"].setdefault(name, why)
        # A boot ends inside its last planned workload unless it is done.
        last = run["planned"][-1] if run["planned"] else None
        if last and not run["done"] and last not in run["results"] and last not in run["failures"]:
            out["failures"][last] = unfinished(run)
        out["planned"] += [n for n in run["planned"] if n not in out["planned"]]
        out["done"], out["ended"] = run["done"], run["ended"]
    return out


def unfinished(run):
    """Why a workload that started never finished, as far as `run` says."""
    why = "started but never finished"
    return why + (f" (the program ended: {run['ended']})" if run.get("ended")
                  else " (the program died or the boot ended)")


def remaining(workloads, run):
    """The workloads after the last one `run` started, for the next boot
    of a kernel whose boot ended before the program was done ([] when it
    never started one: booting again would break the same way)."""
    if run["done"] or not run["planned"]:
        return []
    return workloads[workloads.index(run["planned"][-1]) + 1:]


def combine(workloads, runs, boot_problem=None):
    """Several boots of one kernel -> {name: entry}. An entry is ok (median
    ns/iter over the boots, and every sample) only if every boot produced
    the figure; otherwise failed, with the first reason found."""
    out = {}
    for name in workloads:
        samples, reason = [], None
        for i, run in enumerate(runs):
            if name in run["results"]:
                samples.append(run["results"][name])
            elif name in run["failures"]:
                reason = reason or run["failures"][name]
            elif name in run["planned"]:
                reason = reason or unfinished(run)
            else:
                reason = reason or boot_problem or "never started (the program stopped before it)"
        if runs and len(samples) == len(runs):
            ns = [s["ns_per_iter"] for s in samples]
            out[name] = {"status": "ok", "iterations": samples[0]["iterations"],
                         "ns_per_iter": statistics.median(ns), "samples": ns}
        else:
            out[name] = {"status": "failed", "reason": reason or boot_problem or "no boot"}
    return out


def same_figures(a, b):
    """True if two combined results hold bit-identical figures (the
    deterministic mode's promise); statuses must match too."""
    if a.keys() != b.keys():
        return False
    return all(a[k].get("status") == b[k].get("status")
               and a[k].get("samples") == b[k].get("samples") for k in a)


def fmt_ns(ns):
    """A duration for a table: ns, µs or ms with 3 significant-ish digits."""
    if ns < 1_000:
        return f"{ns:.0f} ns"
    if ns < 1_000_000:
        return f"{ns / 1_000:.2f} µs"
    return f"{ns / 1_000_000:.2f} ms"


def fmt_ratio(r):
    """A ratio with two decimals, three below 0.1 (so 0.016x is not 0.02x)."""
    return f"{r:.3f}x" if r < 0.1 else f"{r:.2f}x"


def ratio(results, kernel, name, base="linux", base_name=None):
    """ns of `name` on `kernel` / ns of `base_name` (default: the same
    workload) on `base`, or None if either failed."""
    a = results.get(kernel, {}).get(name, {})
    b = results.get(base, {}).get(base_name or name, {})
    if a.get("status") != "ok" or b.get("status") != "ok" or not b["ns_per_iter"]:
        return None
    return a["ns_per_iter"] / b["ns_per_iter"]


def table(report):
    """The Markdown table: workload by kernel, ns/iter (ratio to Linux),
    then the reasons of the failed cells."""
    res = report["results"]
    head = "| workload | Linux | " + " | ".join(STRATEGIES) + " |"
    lines = [head, "|---" * (len(KERNELS) + 1) + "|"]
    notes, broke = {}, False
    for name in report["workloads"]:
        cells = []
        for k in KERNELS:
            e = res.get(k, {}).get(name)
            if e is None:
                cells.append("not run")
            elif e["status"] != "ok":
                notes.setdefault((name, e["reason"]), []).append(k)
                broke = broke or k in BEST_EFFORT
                cells.append("broke" if k in BEST_EFFORT else "failed")
            else:
                r = ratio(res, k, name)
                cells.append(fmt_ns(e["ns_per_iter"]) + ("" if k == "linux" or r is None else f" ({fmt_ratio(r)})"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if notes:
        lines += ["", "Why cells failed or broke (the program's words):", ""]
        lines += [f"- {name} ({', '.join(ks)}): {why}" for (name, why), ks in notes.items()]
    if broke:
        lines += ["", BROKE_NOTE]
    return "\n".join(lines)


def label(kernel):
    return "Linux" if kernel == "linux" else f"ours, fork={kernel}"


def targets(report):
    """The performance targets, each measured against this run (reported, not
    asserted), on our kernel booted with fork=hybrid (the default)."""
    res = report["results"]

    def verdict(value, limit, what):
        if value is None:
            return f"- {what}: not measured (a figure is missing)"
        met = "met" if value <= limit else "not met"
        return f"- {what}: measured {value:.3f}x: **{met}**"

    out = [
        verdict(ratio(res, "hybrid", "fork_exec_1g"), 0.05, "fork_exec at 1 GiB at most 0.05x Linux"),
        verdict(ratio(res, "hybrid", "fork_exec"), 0.7, "fork_exec at 0 MiB at most 0.7x Linux"),
        verdict(ratio(res, "hybrid", "fork_exec", "hybrid", "vfork_exec"), 1.2,
                "hybrid fork_exec at most 1.2x our vfork_exec"),
        verdict(ratio(res, "hybrid", "fork_then_pingpong"), 1.0, "fork_then_pingpong not slower than Linux"),
    ]
    slower = [n for n in report["workloads"] if (ratio(res, "hybrid", n) or 0) > 1.0]
    missing = [n for n in report["workloads"] if ratio(res, "hybrid", n) is None]
    summary = "none" if not slower else ", ".join(slower)
    line = f"- no workload slower than Linux: slower: {summary}"
    if missing:
        line += f"; not measured: {len(missing)} of {len(report['workloads'])}"
    met = not slower and not missing
    out.append(line + (": **met**" if met else ": **not met**"))
    return "\n".join(out)


def markdown(report):
    """The whole results.md: facts of the run, the table, the targets."""
    m = report["meta"]
    mode = m["mode"] + (" (quick)" if m["quick"] else "")
    facts = [
        f"Mode: {mode}; {m['runs']} boot(s) per kernel"
        + ("; figures are medians over boots" if m["runs"] > 1 else ""),
        f"QEMU: {m['qemu']}; guest: `{m['qemu_args']}`",
        f"Linux: {m['linux_kernel']}",
        f"Ours: kernel at commit {m['commit']}; `fork=` asked per column; "
        + policy_fact(m),
        f"Machine: {m['machine']}; date {m['date']}",
    ]
    if m.get("deterministic_check") is not None:
        facts.append("Repeat check: " + ("every figure bit-identical across two boots"
                                          if m["deterministic_check"] else "**figures differed between two boots**"))
    body = "\n".join(f"- {f}" for f in facts)
    return (f"{body}\n\nTime per iteration (ratio to Linux; below 1: faster than Linux):\n\n"
            f"{table(report)}\n\nTargets (reported, not asserted):\n\n{targets(report)}\n")


def upgrade(report):
    """A results.json of any earlier layout -> the current one (same
    figures; only names and the version change)."""
    version = report.get("schema_version", 0)
    if version > SCHEMA_VERSION:
        raise ValueError(f"results.json has schema_version {version}; this report knows up to {SCHEMA_VERSION}")
    meta = dict(report["meta"])
    if version < 1:
        meta["machine"] = meta.pop("host")
        meta["commit"] = meta.pop("our_commit")
    rest = {k: v for k, v in report.items() if k not in ("schema_version", "meta")}
    return {"schema_version": SCHEMA_VERSION, "meta": meta, **rest}


def update_docs(doc_text, generated):
    """Replaces the text between the bench-guest markers with `generated`."""
    start = doc_text.index(DOCS_BEGIN) + len(DOCS_BEGIN)
    end = doc_text.index(DOCS_END)
    return doc_text[:start] + "\n" + generated.rstrip("\n") + "\n" + doc_text[end:]


def policy_problems(meta):
    """Our boots whose kernel did not report running the strategy asked
    for (the program's `fork_policy` from /proc/forkstat, one value per
    boot, None where the kernel reported none), as strings."""
    reported = meta.get("fork_policy") or {}
    problems = []
    for k in STRATEGIES:
        got = reported.get(k) or [None]
        for value in got:
            if value != k:
                problems.append(f"fork={k} boot ran under fork policy {value or '(not reported)'}")
    return problems


def policy_fact(meta):
    """The facts line's words on the fork policy our kernel reported."""
    problems = policy_problems(meta)
    if not problems:
        return "every boot's /proc/forkstat reported the policy asked for"
    return "**" + "; ".join(problems) + "**"


def complete(report):
    """Problems that make a CI run fail, as strings (empty: none): a
    workload that did not produce a figure on Linux or on a strategy that
    is not best-effort, and a boot of ours that ran under another fork
    policy than the one asked for (ghost's boots included: a ghost column
    that is not ghost would misreport the lower bound)."""
    problems = []
    for k in KERNELS:
        if k in BEST_EFFORT:
            continue
        for name in report["workloads"]:
            e = report["results"].get(k, {}).get(name)
            if e is None or e["status"] != "ok":
                problems.append(f"{name} on {label(k)}: {e['reason'] if e else 'not run'}")
    return problems + policy_problems(report["meta"])
