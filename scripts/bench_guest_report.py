"""Parses the guest benchmark program's output and writes the report:
results.json, results.md (workload by Linux and each fork strategy of our
kernel: ns/iter and ratio to Linux) and the issue's targets. The chart is
bench_guest_svg.py. Every table here is generated: never edit one by hand.
"""
import statistics

STRATEGIES = ["classic", "ondemand", "hybrid", "ghost"]
KERNELS = ["linux"] + STRATEGIES
DOCS_BEGIN = "<!-- bench-guest:begin -->"
DOCS_END = "<!-- bench-guest:end -->"


def parse(text):
    """One boot's serial output -> {"info", "results", "failures", "planned",
    "done"}. Lines not from the program (kernel log) are ignored; a line is
    the program's only if it starts with a BENCH word."""
    run = {"info": {}, "results": {}, "failures": {}, "planned": [], "done": False}
    for line in text.splitlines():
        words = line.strip().split(" ")
        tag, rest = words[0], words[1:]
        if tag == "BENCH_INFO" and rest:
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
                reason = reason or "started but never finished (the program died or the boot ended)"
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
    notes = {}
    for name in report["workloads"]:
        cells = []
        for k in KERNELS:
            e = res.get(k, {}).get(name)
            if e is None:
                cells.append("not run")
            elif e["status"] != "ok":
                notes.setdefault((name, e["reason"]), []).append(k)
                cells.append("failed")
            else:
                r = ratio(res, k, name)
                cells.append(fmt_ns(e["ns_per_iter"]) + ("" if k == "linux" or r is None else f" ({fmt_ratio(r)})"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if notes:
        lines += ["", "Why cells failed (the program's words):", ""]
        lines += [f"- {name} ({', '.join(ks)}): {why}" for (name, why), ks in notes.items()]
    return "\n".join(lines)


def label(kernel):
    return "Linux" if kernel == "linux" else f"ours, fork={kernel}"


def targets(report):
    """The issue's targets, each measured against this run (reported, not
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
        f"Ours: kernel at commit {m['our_commit']}; `fork=` asked per column"
        + (f" ({m['fork_note']})" if m.get("fork_note") else ""),
        f"Host: {m['host']}; date {m['date']}",
    ]
    if m.get("deterministic_check") is not None:
        facts.append("Repeat check: " + ("every figure bit-identical across two boots"
                                          if m["deterministic_check"] else "**figures differed between two boots**"))
    body = "\n".join(f"- {f}" for f in facts)
    return (f"{body}\n\nTime per iteration (ratio to Linux; below 1: faster than Linux):\n\n"
            f"{table(report)}\n\nTargets (issue 6; reported, not asserted):\n\n{targets(report)}\n")


def update_docs(doc_text, generated):
    """Replaces the text between the bench-guest markers with `generated`."""
    start = doc_text.index(DOCS_BEGIN) + len(DOCS_BEGIN)
    end = doc_text.index(DOCS_END)
    return doc_text[:start] + "\n" + generated.rstrip("\n") + "\n" + doc_text[end:]


def complete(report):
    """Problems that make a CI run fail: a workload that did not produce a
    figure on some kernel, listed as strings (empty: every workload ran)."""
    problems = []
    for k in KERNELS:
        for name in report["workloads"]:
            e = report["results"].get(k, {}).get(name)
            if e is None or e["status"] != "ok":
                problems.append(f"{name} on {label(k)}: {e['reason'] if e else 'not run'}")
    return problems
