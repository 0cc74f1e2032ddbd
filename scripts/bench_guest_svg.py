"""The guest benchmark chart: for each workload, one bar per fork strategy
of our kernel, the ratio of its time to Linux's on a log scale with a line
at 1x (left of it: faster than Linux). Plain SVG written from the data; no
plotting library.

The axis spans whole decades around the data, so every bar is drawn to
its true length. Only a ratio beyond FLOOR..CEIL (a figure so extreme it
is more likely a broken workload than a result) is clipped, and a clipped
bar ends in an arrow and its label says "clipped"."""
import math
from html import escape

from bench_guest_report import BEST_EFFORT, STRATEGIES, ratio

# Dark enough for text on white (each has at least 4.5:1 contrast) and
# told apart by people with the common colour-vision deficiencies.
COLOURS = {"classic": "#b2182b", "ondemand": "#a65600", "hybrid": "#2166ac", "ghost": "#555555"}
# The widest the axis grows; ratios beyond are clipped and marked.
FLOOR, CEIL = 1e-6, 1e6
FONT = 12  # px; nothing is smaller than SMALL
SMALL = 11
LEFT, RIGHT, TOP = 190, 150, 58
PLOT_W = 600
BAR, GAP = 13, 12


def axis(ratios):
    """(lo, hi): whole decades covering every ratio and 1x, at least
    0.1x..10x, at most FLOOR..CEIL."""
    lo = min([0.1] + [r for r in ratios if r > 0])
    hi = max([10.0] + ratios)
    lo = max(10.0 ** math.floor(math.log10(lo)), FLOOR)
    hi = min(10.0 ** math.ceil(math.log10(hi)), CEIL)
    return lo, hi


def chart(report):
    """The SVG document for `report` (the dict results.json holds)."""
    res, names = report["results"], report["workloads"]
    ratios = [r for s in STRATEGIES for n in names if (r := ratio(res, s, n)) is not None]
    lo, hi = axis(ratios)

    def x_of(r):
        """Horizontal position of ratio `r`, and whether it was clipped."""
        clipped = min(max(r, lo), hi)
        x = LEFT + PLOT_W * (math.log10(clipped) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        return x, clipped != r

    group = BAR * len(STRATEGIES) + GAP
    height = TOP + group * len(names) + 44
    width = LEFT + PLOT_W + RIGHT
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT}">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{LEFT}" y="18" font-size="14">Time relative to Linux (log scale; '
           f'left of 1x is faster), {escape(report["meta"]["mode"])} mode</text>']
    for i, s in enumerate(STRATEGIES):
        lx = LEFT + i * 130
        out.append(f'<rect x="{lx}" y="30" width="12" height="12" fill="{COLOURS[s]}"/>'
                   f'<text x="{lx + 16}" y="41">fork={s}</text>')
    bottom = TOP + group * len(names)
    one, _ = x_of(1)
    for k in range(round(math.log10(lo)), round(math.log10(hi)) + 1):
        r = 10.0 ** k
        x, _ = x_of(r)
        stroke = "#000" if k == 0 else "#ccc"
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{r:g}x</text>')
    out.append(f'<text x="{LEFT + PLOT_W / 2:.0f}" y="{bottom + 34}" text-anchor="middle" '
               f'font-size="{SMALL}">time on our kernel / time on Linux</text>')
    for row, name in enumerate(names):
        y0 = TOP + row * group
        out.append(f'<text x="{LEFT - 8}" y="{y0 + group / 2:.1f}" text-anchor="end">{escape(name)}</text>')
        for i, s in enumerate(STRATEGIES):
            y = y0 + i * BAR
            base = y + BAR - 3  # text baseline inside the bar's row
            r = ratio(res, s, name)
            if r is None:
                out.append(f'<text x="{one + 4:.1f}" y="{base}" font-size="{SMALL}" '
                           f'fill="{COLOURS[s]}">{"broke" if s in BEST_EFFORT else "failed"}</text>')
                continue
            x, clipped = x_of(r)
            x1, x2 = sorted((one, x))
            out.append(f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 1):.1f}" height="{BAR - 2}" '
                       f'fill="{COLOURS[s]}"><title>{escape(name)} fork={s}: {r:.3g}x</title></rect>')
            if clipped:
                # An arrowhead past the axis end, pointing the way the bar goes on.
                tip = x - 8 if r < lo else x + 8
                out.append(f'<path d="M{x:.1f} {y} L{tip:.1f} {y + (BAR - 2) / 2:.1f} L{x:.1f} {y + BAR - 2}Z" '
                           f'fill="{COLOURS[s]}"/>')
            note = " (clipped)" if clipped else ""
            out.append(f'<text x="{LEFT + PLOT_W + 14}" y="{base}" font-size="{SMALL}" '
                       f'fill="{COLOURS[s]}">{r:.3g}x{note}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
