"""Unit tests of the guest benchmark report (parsing, combining boots,
tables, targets, the docs splice, the chart). Run with
`python3 -m unittest discover -s scripts -p 'test_bench_guest*.py'`."""
import re
import unittest
import xml.dom.minidom

import bench_guest_report as r
import bench_guest_svg as svg

LINUX_LOG = """\
[    0.000000] Linux version 6.1.0 BENCH inside a kernel line is not ours
BENCH_INFO release 6.1.0-56-cloud-amd64
BENCH_PLAN getpid 100
BENCH getpid 100 350
BENCH_PLAN fork_exec 10
BENCH fork_exec 10 700000
BENCH_PLAN vfork_exec 10
BENCH vfork_exec 10 500000
BENCH_DONE 3 0
"""
OURS_LOG = """\
BENCH_INFO release 6.1.0-rust
BENCH_PLAN getpid 100
BENCH getpid 100 200
BENCH_PLAN fork_exec 10
BENCH_FAIL fork_exec iteration 0: fork: Function not implemented (os error 38)
BENCH_PLAN vfork_exec 10
"""
NAMES = ["getpid", "fork_exec", "vfork_exec"]


def report_of(linux, ours, ghost=None):
    """A report with `ours` on every strategy (`ghost` instead on ghost),
    each boot reporting the policy it was asked for."""
    results = {"linux": r.combine(NAMES, [r.parse(linux)])}
    for s in r.STRATEGIES:
        results[s] = r.combine(NAMES, [r.parse(ghost if s == "ghost" and ghost else ours)])
    meta = {"mode": "deterministic", "quick": True, "runs": 1, "qemu": "QEMU 7.2", "qemu_args": "-icount",
            "linux_kernel": "6.1", "commit": "abc", "machine": "h", "date": "d",
            "deterministic_check": None, "fork_policy": {s: [s] for s in r.STRATEGIES}}
    return {"meta": meta, "workloads": NAMES, "results": results}


class Parse(unittest.TestCase):
    def test_lines(self):
        run = r.parse(OURS_LOG)
        self.assertEqual(run["info"]["release"], "6.1.0-rust")
        self.assertEqual(run["results"]["getpid"], {"iterations": 100, "ns_per_iter": 200})
        self.assertIn("Function not implemented", run["failures"]["fork_exec"])
        self.assertEqual(run["planned"], NAMES)
        self.assertFalse(run["done"])

    def test_kernel_lines_ignored(self):
        self.assertEqual(set(r.parse(LINUX_LOG)["results"]), set(NAMES))

    def test_how_the_program_ended(self):
        self.assertIsNone(r.parse(OURS_LOG)["ended"])
        ours = r.parse(OURS_LOG + "\n[kernel: init /bin/bench-guest ended: signal SIGSEGV; exit code 139]\n")
        self.assertEqual(ours["ended"], "signal SIGSEGV")
        self.assertEqual(r.parse(LINUX_LOG + "BENCH_EXIT 139\n")["ended"], "signal 11")
        self.assertEqual(r.parse(LINUX_LOG + "BENCH_EXIT 0\n")["ended"], "exit 0")

    def test_serial_carriage_returns_and_garbage(self):
        run = r.parse("BENCH getpid 5 x\nBENCH getpid 5 7 \nBENCHMARK a 1 2\n")
        self.assertEqual(run["results"], {"getpid": {"iterations": 5, "ns_per_iter": 7}})


class Combine(unittest.TestCase):
    def test_statuses(self):
        c = r.combine(NAMES + ["never"], [r.parse(OURS_LOG)])
        self.assertEqual(c["getpid"]["status"], "ok")
        self.assertIn("os error 38", c["fork_exec"]["reason"])
        self.assertIn("never finished", c["vfork_exec"]["reason"])
        self.assertIn("never started", c["never"]["reason"])

    def test_median_and_partial(self):
        runs = [r.parse(f"BENCH a 1 {n}\n") for n in (30, 10, 20)]
        self.assertEqual(r.combine(["a"], runs)["a"]["ns_per_iter"], 20)
        self.assertEqual(r.combine(["a"], runs + [r.parse("")], "timed out")["a"]["status"], "failed")

    def test_boot_problem_is_the_reason(self):
        self.assertEqual(r.combine(["a"], [r.parse("")], "boot timed out")["a"]["reason"], "boot timed out")

    def test_same_figures(self):
        a = r.combine(NAMES, [r.parse(LINUX_LOG)])
        b = r.combine(NAMES, [r.parse(LINUX_LOG.replace("350", "351"))])
        self.assertTrue(r.same_figures(a, r.combine(NAMES, [r.parse(LINUX_LOG)])))
        self.assertFalse(r.same_figures(a, b))


class Render(unittest.TestCase):
    def test_table(self):
        t = r.table(report_of(LINUX_LOG, OURS_LOG))
        self.assertIn("| getpid | 350 ns | 200 ns (0.57x) |", t)
        self.assertIn("| fork_exec | 700.00 µs | failed |", t)
        self.assertIn("- fork_exec (classic, ondemand, hybrid, ghost): iteration 0: fork", t)

    def test_targets(self):
        ours = LINUX_LOG.replace("700000", "400000").replace("BENCH getpid 100 350", "BENCH getpid 100 400")
        t = r.targets(report_of(LINUX_LOG, ours))
        self.assertIn("fork_exec at 0 MiB at most 0.7x Linux: measured 0.571x: **met**", t)
        self.assertIn("at most 1.2x our vfork_exec: measured 0.800x: **met**", t)
        self.assertIn("fork_exec at 1 GiB at most 0.05x Linux: not measured", t)
        self.assertIn("slower: getpid", t)

    def test_fmt_ratio(self):
        self.assertEqual([r.fmt_ratio(x) for x in (0.0163, 0.878, 11.97)], ["0.016x", "0.88x", "11.97x"])

    def test_fmt(self):
        self.assertEqual([r.fmt_ns(x) for x in (999, 1500, 2_500_000)], ["999 ns", "1.50 µs", "2.50 ms"])

    def test_markdown_and_docs_splice(self):
        md = r.markdown(report_of(LINUX_LOG, OURS_LOG))
        doc = f"intro\n{r.DOCS_BEGIN}\nold table\n{r.DOCS_END}\noutro\n"
        new = r.update_docs(doc, md)
        self.assertNotIn("old table", new)
        self.assertTrue(new.startswith("intro\n") and new.endswith(f"{r.DOCS_END}\noutro\n"))
        self.assertEqual(r.update_docs(new, md), new)

    def test_complete(self):
        self.assertEqual(r.complete(report_of(LINUX_LOG, LINUX_LOG)), [])
        problems = r.complete(report_of(LINUX_LOG, OURS_LOG))
        # fork_exec and vfork_exec on classic, ondemand, hybrid; not ghost.
        self.assertEqual(len(problems), 2 * 3)
        self.assertFalse([p for p in problems if "ghost" in p])

    def test_linux_failure_is_required(self):
        problems = r.complete(report_of(OURS_LOG, LINUX_LOG))
        self.assertEqual([p.split(" on ")[1].split(":")[0] for p in problems], ["Linux", "Linux"])

    def test_chart_is_svg(self):
        doc = xml.dom.minidom.parseString(svg.chart(report_of(LINUX_LOG, OURS_LOG)))
        self.assertEqual(doc.documentElement.tagName, "svg")
        self.assertEqual(len(doc.getElementsByTagName("rect")), 1 + 4 + 4)  # background, legend, getpid bars


class Ghost(unittest.TestCase):
    """fork=ghost is best-effort: its breakage is reported, not required."""

    def test_ghost_breakage_is_reported_not_required(self):
        rep = report_of(LINUX_LOG, LINUX_LOG, ghost=OURS_LOG)
        self.assertEqual(r.complete(rep), [])
        t = r.table(rep)
        self.assertIn("| fork_exec | 700.00 µs | 700.00 µs (1.00x) | 700.00 µs (1.00x) | 700.00 µs (1.00x) | broke |", t)
        self.assertIn("- fork_exec (ghost): iteration 0: fork", t)
        self.assertIn(r.BROKE_NOTE, t)

    def test_no_note_without_broken_ghost_cells(self):
        self.assertNotIn(r.BROKE_NOTE, r.table(report_of(LINUX_LOG, OURS_LOG, ghost=LINUX_LOG)))

    def test_other_strategies_still_required(self):
        rep = report_of(LINUX_LOG, LINUX_LOG, ghost=OURS_LOG)
        rep["results"]["hybrid"] = rep["results"]["ghost"]
        self.assertEqual(len(r.complete(rep)), 2)
        self.assertIn("| fork_exec | 700.00 µs | 700.00 µs (1.00x) | 700.00 µs (1.00x) | failed | broke |",
                      r.table(rep))

    def test_reboot_after_a_hang_resumes_after_it(self):
        hung = "BENCH_INFO fork_policy ghost\nBENCH_PLAN getpid 100\nBENCH getpid 100 200\n" \
               "BENCH_PLAN fork_exec 10\nBENCH_FAIL fork_exec hung: no progress in 30 s\n"
        first = r.parse(hung)
        self.assertEqual(r.remaining(NAMES, first), ["vfork_exec"])
        second = r.parse("BENCH_INFO fork_policy ghost\nBENCH_PLAN vfork_exec 10\nBENCH vfork_exec 10 5\n"
                         "BENCH_DONE 1 0\n")
        self.assertEqual(r.remaining(NAMES, second), [])
        merged = r.merge([first, second])
        self.assertEqual(merged["planned"], NAMES)
        self.assertTrue(merged["done"])
        c = r.combine(NAMES, [merged])
        self.assertEqual([c[n]["status"] for n in NAMES], ["ok", "failed", "ok"])
        self.assertIn("hung", c["fork_exec"]["reason"])

    def test_crash_reason_survives_the_next_boot(self):
        crashed = r.parse("BENCH_PLAN getpid 100\nBENCH getpid 100 200\nBENCH_PLAN fork_exec 10\n"
                          "[kernel: init /bin/bench-guest ended: signal SIGSEGV; exit code 139]\n")
        self.assertEqual(r.remaining(NAMES, crashed), ["vfork_exec"])
        merged = r.merge([crashed, r.parse("BENCH_PLAN vfork_exec 10\nBENCH_DONE 0 0\n"
                                           "[kernel: init /bin/bench-guest ended: exit 0; exit code 0]\n")])
        c = r.combine(NAMES, [merged])
        self.assertEqual(c["fork_exec"]["reason"], "started but never finished (the program ended: signal SIGSEGV)")
        self.assertIn("program ended: exit 0", c["vfork_exec"]["reason"])

    def test_no_reboot_when_nothing_started(self):
        self.assertEqual(r.remaining(NAMES, r.parse("BENCH_INFO release x\n")), [])
        self.assertEqual(r.remaining(NAMES, r.parse(LINUX_LOG)), [])


class Policy(unittest.TestCase):
    """Each boot of ours must have run under the fork policy asked for."""

    def test_parsed_from_the_program(self):
        self.assertEqual(r.parse("BENCH_INFO fork_policy hybrid\n")["info"]["fork_policy"], "hybrid")

    def test_matching_policy_passes(self):
        m = report_of(LINUX_LOG, LINUX_LOG)["meta"]
        self.assertEqual(r.policy_problems(m), [])
        self.assertIn("reported the policy asked for", r.policy_fact(m))

    def test_mismatch_fails_even_on_ghost(self):
        rep = report_of(LINUX_LOG, LINUX_LOG)
        rep["meta"]["fork_policy"]["ghost"] = ["hybrid"]
        self.assertEqual(r.complete(rep), ["fork=ghost boot ran under fork policy hybrid"])
        self.assertIn("**fork=ghost boot ran under fork policy hybrid**", r.markdown(rep))

    def test_unreported_policy_fails(self):
        rep = report_of(LINUX_LOG, LINUX_LOG)
        rep["meta"]["fork_policy"]["classic"] = ["classic", None]
        del rep["meta"]["fork_policy"]["ondemand"]
        self.assertEqual(r.complete(rep), ["fork=classic boot ran under fork policy (not reported)",
                                           "fork=ondemand boot ran under fork policy (not reported)"])


if __name__ == "__main__":
    unittest.main()


class Chart(unittest.TestCase):
    """The chart is honest (every bar to scale, or visibly clipped) and
    readable (no text under 11 px, colours dark enough for text)."""

    def report_with(self, ratios):
        """A one-workload report whose strategies have these ratios."""
        rep = report_of(LINUX_LOG, OURS_LOG)
        for s, x in zip(r.STRATEGIES, ratios):
            rep["results"][s]["getpid"] = {"status": "ok", "ns_per_iter": 350 * x}
        return rep

    def ticks(self, doc):
        return [t.firstChild.data for t in doc.getElementsByTagName("text")
                if t.firstChild and re.fullmatch(r"[0-9.e+-]+x", t.firstChild.data)
                and t.getAttribute("text-anchor") == "middle"]

    def test_axis_spans_the_data(self):
        doc = xml.dom.minidom.parseString(svg.chart(self.report_with([0.0004, 0.02, 1.0, 7.6])))
        ticks = self.ticks(doc)
        self.assertEqual(ticks[0], "0.0001x")
        self.assertEqual(ticks[-1], "10x")
        self.assertNotIn("clipped", svg.chart(self.report_with([0.0004, 0.02, 1.0, 7.6])))

    def test_axis_is_at_least_a_decade_each_way(self):
        doc = xml.dom.minidom.parseString(svg.chart(self.report_with([0.9, 1.0, 1.1, 1.2])))
        self.assertEqual(self.ticks(doc), ["0.1x", "1x", "10x"])

    def test_bars_beyond_the_widest_axis_are_marked(self):
        text = svg.chart(self.report_with([1e-9, 1.0, 1.0, 1.0]))
        self.assertIn("(clipped)", text)
        doc = xml.dom.minidom.parseString(text)
        self.assertEqual(len(doc.getElementsByTagName("path")), 1)  # the arrowhead
        self.assertEqual(self.ticks(doc)[0], f"{svg.FLOOR:g}x")

    def test_bar_lengths_are_proportional_to_log_ratio(self):
        doc = xml.dom.minidom.parseString(svg.chart(self.report_with([0.01, 0.1, 10.0, 100.0])))
        bars = [b for b in doc.getElementsByTagName("rect") if b.getElementsByTagName("title")]
        widths = [float(b.getAttribute("width")) for b in bars]
        self.assertAlmostEqual(widths[0], 2 * widths[1], places=3)
        self.assertAlmostEqual(widths[3], 2 * widths[2], places=3)
        self.assertAlmostEqual(widths[0], widths[3], places=3)

    def test_labels_are_readable(self):
        doc = xml.dom.minidom.parseString(svg.chart(report_of(LINUX_LOG, OURS_LOG)))
        sizes = [int(e.getAttribute("font-size")) for tag in ("svg", "text")
                 for e in doc.getElementsByTagName(tag) if e.getAttribute("font-size")]
        self.assertTrue(sizes)
        self.assertGreaterEqual(min(sizes), 11)

    def test_colours_are_dark_enough_for_text(self):
        def luminance(hex_colour):
            def channel(c):
                c /= 255
                return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
            return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
        for s, colour in svg.COLOURS.items():
            contrast = 1.05 / (luminance(colour) + 0.05)  # against white
            self.assertGreaterEqual(contrast, 4.5, f"{s} {colour}")


class Schema(unittest.TestCase):
    def test_upgrade_from_unversioned(self):
        old = report_of(LINUX_LOG, OURS_LOG)
        old["meta"]["host"] = old["meta"].pop("machine")
        old["meta"]["our_commit"] = old["meta"].pop("commit")
        new = r.upgrade(old)
        self.assertEqual(list(new)[0], "schema_version")
        self.assertEqual(new["schema_version"], r.SCHEMA_VERSION)
        self.assertEqual((new["meta"]["machine"], new["meta"]["commit"]), ("h", "abc"))
        self.assertEqual(new["results"], old["results"])
        self.assertEqual(r.upgrade(new), new)

    def test_newer_schema_refused(self):
        rep = dict(report_of(LINUX_LOG, OURS_LOG), schema_version=r.SCHEMA_VERSION + 1)
        with self.assertRaises(ValueError):
            r.upgrade(rep)

    def test_report_names_machine_commit_date_and_no_issue_numbers(self):
        md = r.markdown(report_of(LINUX_LOG, OURS_LOG))
        self.assertIn("Machine: h; date d", md)
        self.assertIn("commit abc", md)
        self.assertNotRegex(md.lower(), r"issue ?#?\d")
