"""The guest benchmark chart: for each workload, one bar per fork strategy
of our kernel, the ratio of its time to Linux's on a log scale with a line
at 1x (left of it: faster than Linux). Plain SVG written from the data; no
plotting library."""
import math
from html import escape

from bench_guest_report import BEST_EFFORT, STRATEGIES, ratio

COLOURS = {"classic": "#d9534f", "ondemand": "#f0ad4e", "hybrid": "#2a7ab0", "ghost": "#7a7a7a"}
# Ratios are drawn between these (a bar beyond is clipped, its label says
# the real value).
LO, HI = 0.01, 100.0
LEFT, RIGHT, TOP = 170, 90, 50
PLOT_W = 560
BAR, GAP = 7, 8


def x_of(r):
    """Horizontal position of ratio `r` on the log axis."""
    r = min(max(r, LO), HI)
    return LEFT + PLOT_W * (math.log10(r) - math.log10(LO)) / (math.log10(HI) - math.log10(LO))


def chart(report):
    """The SVG document for `report` (the dict results.json holds)."""
    res, names = report["results"], report["workloads"]
    group = BAR * len(STRATEGIES) + GAP
    height = TOP + group * len(names) + 40
    width = LEFT + PLOT_W + RIGHT
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{LEFT}" y="16" font-size="13">Time relative to Linux (log scale; '
           f'left of 1x is faster), {escape(report["meta"]["mode"])} mode</text>']
    for i, s in enumerate(STRATEGIES):
        lx = LEFT + i * 110
        out.append(f'<rect x="{lx}" y="26" width="10" height="10" fill="{COLOURS[s]}"/>'
                   f'<text x="{lx + 14}" y="35">fork={s}</text>')
    bottom = TOP + group * len(names)
    for k in range(int(math.log10(LO)), int(math.log10(HI)) + 1):
        r = 10.0 ** k
        x = x_of(r)
        stroke = "#000" if k == 0 else "#ddd"
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{r:g}x</text>')
    for row, name in enumerate(names):
        y0 = TOP + row * group
        out.append(f'<text x="{LEFT - 6}" y="{y0 + group / 2 + 3:.1f}" text-anchor="end">{escape(name)}</text>')
        for i, s in enumerate(STRATEGIES):
            y = y0 + i * BAR
            r = ratio(res, s, name)
            if r is None:
                out.append(f'<text x="{x_of(1) + 3:.1f}" y="{y + BAR - 1}" font-size="7" '
                           f'fill="{COLOURS[s]}">{"broke" if s in BEST_EFFORT else "failed"}</text>')
                continue
            x1, x2 = sorted((x_of(1), x_of(r)))
            out.append(f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 1):.1f}" height="{BAR - 1}" '
                       f'fill="{COLOURS[s]}"><title>{escape(name)} fork={s}: {r:.3f}x</title></rect>')
            out.append(f'<text x="{LEFT + PLOT_W + 4}" y="{y + BAR - 1}" font-size="7" '
                       f'fill="{COLOURS[s]}">{r:.3g}x</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
