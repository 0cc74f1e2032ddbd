"""Unit tests of the guest benchmark report (parsing, combining boots,
tables, targets, the docs splice, the chart). Run with
`python3 -m unittest discover -s scripts -p 'test_bench_guest*.py'`."""
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


def report_of(linux, ours):
    results = {"linux": r.combine(NAMES, [r.parse(linux)])}
    for s in r.STRATEGIES:
        results[s] = r.combine(NAMES, [r.parse(ours)])
    meta = {"mode": "deterministic", "quick": True, "runs": 1, "qemu": "QEMU 7.2", "qemu_args": "-icount",
            "linux_kernel": "6.1", "our_commit": "abc", "fork_note": None, "host": "h", "date": "d",
            "deterministic_check": None}
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
        self.assertEqual(len(problems), 2 * len(r.STRATEGIES))

    def test_chart_is_svg(self):
        doc = xml.dom.minidom.parseString(svg.chart(report_of(LINUX_LOG, OURS_LOG)))
        self.assertEqual(doc.documentElement.tagName, "svg")
        self.assertEqual(len(doc.getElementsByTagName("rect")), 1 + 4 + 4)  # background, legend, getpid bars


if __name__ == "__main__":
    unittest.main()
