#!/usr/bin/env python3
"""Turns the raw results of benchmarks/run-all.sh into a markdown table and an SVG bar chart.

usage: report.py RAW_DIR OUT.md OUT.svg

RAW_DIR holds results.tsv (job, case, subject, value, unit, note per line; one line per run),
meta.txt (key=value lines about the machine and the settings) and, if the jmh job ran, jmh.json
(JMH's -rf json output). Medians are taken per (case, subject); ratios are Kyoto's median divided
by the peer's. Standard library only (no matplotlib needed).
"""
import html
import json
import os
import statistics
import sys
from collections import OrderedDict

HIGHER_IS_BETTER = {"req/s", "rt/s"}
KYOTO = "kyoto"
JOB_TITLES = OrderedDict(
    [
        ("http", "HTTP/1.1 throughput (wrk -t1, loopback)"),
        ("echo", "TCP echo (echo_load)"),
        ("startup", "Start-up"),
        ("idle-conns", "Resident memory with idle keep-alive connections"),
        ("idle-tasks", "Heap per idle task"),
    ]
)
PEER_ORDER = ["kyoto", "hyper", "tokio", "nginx", "netty", "vertx", "helidon", "virtual-threads"]


def read_meta(raw):
    meta = OrderedDict()
    path = os.path.join(raw, "meta.txt")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    return meta


def read_results(raw):
    """Returns {job: {case: {subject: [values]}}}, units per case, notes per (case, subject)."""
    data = OrderedDict()
    units = {}
    notes = {}
    path = os.path.join(raw, "results.tsv")
    if not os.path.exists(path):
        return data, units, notes
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 5:
            continue
        job, case, subject, value, unit = parts[:5]
        note = parts[5] if len(parts) > 5 else ""
        try:
            v = float(value)
        except ValueError:
            continue
        data.setdefault(job, OrderedDict()).setdefault(case, OrderedDict()).setdefault(subject, []).append(v)
        units[case] = unit
        if note:
            notes.setdefault((case, subject), []).append(note)
    return data, units, notes


def subject_key(s):
    return (PEER_ORDER.index(s) if s in PEER_ORDER else len(PEER_ORDER), s)


def fmt(v, unit):
    if v is None:
        return "—"
    if unit in ("req/s", "rt/s"):
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"


def wrk_errors(notes):
    """Non-zero wrk error counts from the notes of one subject, or ''."""
    bad = []
    for n in notes:
        for part in n.split(";"):
            part = part.strip()
            if part.startswith("Non-2xx"):
                bad.append(part)
            elif part.startswith("Socket errors"):
                nums = [int(x) for x in part.replace(",", " ").split() if x.isdigit()]
                if any(nums):
                    bad.append(part)
    return "; ".join(sorted(set(bad)))


def markdown(meta, data, units, notes, jmh, rtbench=""):
    out = []
    out.append("# Kyoto against its peers: latest run")
    out.append("")
    out.append(
        f"Run {meta.get('date', '?')} ({meta.get('mode', '?')} mode, {meta.get('elapsed_s', '?')} s) on "
        f"{meta.get('host_cpus', '?')} CPUs: {meta.get('cpu_model', '?')}, {meta.get('mem_total', '?')} RAM, "
        f"Linux {meta.get('kernel', '?')}. JDK: {meta.get('jdk', '?')} ({meta.get('jdk_vm', '?')}). "
        f"{meta.get('wrk', '')}; nginx {meta.get('nginx', '?')}. Load average at start / end: "
        f"{meta.get('load_at_start', '?')} / {meta.get('load_at_end', '?')}."
    )
    out.append("")
    out.append(f"Settings: `{meta.get('settings', '')}`, open-file limit {meta.get('ulimit_n', '?')}.")
    out.append("")
    out.append(
        "Every cell is the median over the rounds; the figure in parentheses is **Kyoto ÷ that peer** "
        "(above 1 is better for Kyoto where higher is better, below 1 is better where lower is better). "
        "Servers, load generator and client share the same machine; compare ratios within this run only. "
        "Produced by `benchmarks/run-all.sh`; raw runs in `latest-raw/`."
    )
    out.append("")
    warnings = []
    for job, title in JOB_TITLES.items():
        if job not in data:
            continue
        cases = data[job]
        subjects = sorted({s for c in cases.values() for s in c}, key=subject_key)
        out.append(f"## {title}")
        out.append("")
        out.append("| case | " + " | ".join(subjects) + " |")
        out.append("|---|" + "---|" * len(subjects))
        for case, by_subject in cases.items():
            unit = units.get(case, "")
            direction = "higher is better" if unit in HIGHER_IS_BETTER else "lower is better"
            med = {s: statistics.median(v) for s, v in by_subject.items()}
            k = med.get(KYOTO)
            cells = []
            for s in subjects:
                if s not in med:
                    cells.append("—")
                    continue
                cell = fmt(med[s], unit)
                if s != KYOTO and k is not None and med[s]:
                    cell += f" ({k / med[s]:.2f})"
                if len(by_subject[s]) > 1:
                    cell += f" <sub>n={len(by_subject[s])}</sub>"
                cells.append(cell)
                err = wrk_errors(notes.get((case, s), []))
                if err:
                    warnings.append(f"{case}, {s}: {err}")
            out.append(f"| {case}, {direction} | " + " | ".join(cells) + " |")
        out.append("")
    if rtbench.strip():
        out.append("## Runtime micro-benchmarks (rtbench cases; ns/op, lower is better)")
        out.append("")
        out.append(
            "`benchmarks/rtbench.sh`: tokio's rtbench and the JDK's `anchors.JdkRtBench` against Kyoto's "
            "`RtBench`, each run 7 times interleaved (once in quick mode); every cell is the median of the "
            "runs' third (last) rounds. Here the ratios are Kyoto ÷ peer as columns. The last column is "
            "Kyoto alone, warmed up (3 runs of 20 rounds: the median of rounds 11-20): the cost per "
            "operation without the JIT's warm-up, not the like-for-like figure."
        )
        out.append("")
        out.append(rtbench.strip())
        out.append("")
    if jmh:
        out.append("## JMH micro-benchmarks (Kyoto only; `kyoto-benchmarks-jmh.jar`)")
        out.append("")
        out.append("| benchmark | score | ± error (99.9%) | unit | heap B/op | note |")
        out.append("|---|---|---|---|---|---|")
        anyof = next((r for r in jmh if r["benchmark"].endswith("SelectJmh.completableFutureAnyOf")), None)
        for r in jmh:
            name = r["benchmark"].replace("io.kyoto.benchmarks.", "")
            pm = r["primaryMetric"]
            try:
                err = float(pm.get("scoreError"))  # "NaN" (a string) with a single iteration
            except (TypeError, ValueError):
                err = float("nan")
            err_s = "—" if err != err else f"{err:.1f}"
            note = ""
            if anyof and name.startswith("SelectJmh.") and r is not anyof:
                note = f"÷ CompletableFuture.anyOf = {pm['score'] / anyof['primaryMetric']['score']:.2f}"
            alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")  # with -prof gc
            alloc_s = "—" if not alloc else f"{float(alloc['score']):.0f}"
            out.append(f"| {name} | {pm['score']:.1f} | {err_s} | {pm['scoreUnit']} | {alloc_s} | {note} |")
        out.append("")
    if warnings:
        out.append("## Warnings")
        out.append("")
        for w in warnings:
            out.append(f"- {w}")
        out.append("")
    missing = meta.get("missing", "")
    if missing:
        out.append(f"Skipped: {missing}")
        out.append("")
    return "\n".join(out)


def svg(meta, data, units, jmh):
    """Horizontal bars, one panel per case, each bar scaled to the panel's largest median."""
    panels = []
    for job in JOB_TITLES:
        for case, by_subject in data.get(job, {}).items():
            med = {s: statistics.median(v) for s, v in by_subject.items()}
            panels.append((case, units.get(case, ""), sorted(med.items(), key=lambda kv: subject_key(kv[0]))))
    if jmh:
        sel = [
            (r["benchmark"].rsplit(".", 1)[1], r["primaryMetric"]["score"])
            for r in jmh
            if ".SelectJmh." in r["benchmark"]
        ]
        if sel:
            panels.append(("JMH: select of 4, one ready (ns/op)", "ns/op", sel))
    width, label_w, bar_w, row_h, pad = 940, 150, 460, 18, 10
    y = 60
    body = []
    for title, unit, rows in panels:
        direction = "higher is better" if unit in HIGHER_IS_BETTER else "lower is better"
        body.append(
            f'<text x="{pad}" y="{y}" class="t">{html.escape(title)} <tspan class="d">— {direction}</tspan></text>'
        )
        y += 8
        top = max((v for _, v in rows), default=0) or 1
        kyoto = dict(rows).get(KYOTO)
        for name, v in rows:
            w = max(1.0, bar_w * max(v, 0) / top)
            cls = "k" if name in (KYOTO, "generated") else "p"
            ratio = ""
            if kyoto is not None and name != KYOTO and v:
                ratio = f"  (Kyoto ÷ {name} = {kyoto / v:.2f})"
            body.append(f'<text x="{label_w - 6}" y="{y + 13}" class="l">{html.escape(name)}</text>')
            body.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row_h - 4}" class="{cls}"/>')
            body.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" class="v">{html.escape(fmt(v, unit) + " " + unit + ratio)}</text>'
            )
            y += row_h
        y += 22
    head = (
        f"Kyoto vs peers — {meta.get('date', '')} — {meta.get('host_cpus', '?')} CPUs "
        f"({meta.get('cpu_model', '')}) — {meta.get('jdk', '')} — {meta.get('mode', '')} mode"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 10}" viewBox="0 0 {width} {y + 10}" font-family="sans-serif">',
        "<style>.h{font-size:13px;font-weight:bold}.s{font-size:10px;fill:#555}.t{font-size:12px;font-weight:bold}"
        ".d{font-weight:normal;fill:#666}.l{font-size:11px;text-anchor:end}.v{font-size:10px;fill:#333}"
        ".k{fill:#c0392b}.p{fill:#7f8c8d}</style>",
        f'<rect width="{width}" height="{y + 10}" fill="#fff"/>',
        f'<text x="{pad}" y="22" class="h">{html.escape(head)}</text>',
        f'<text x="{pad}" y="40" class="s">{html.escape("Medians of interleaved rounds; bars scaled per panel; same machine for load and servers. " + meta.get("settings", ""))}</text>',
    ]
    parts += body
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    raw, md_path, svg_path = sys.argv[1:4]
    meta = read_meta(raw)
    data, units, notes = read_results(raw)
    jmh = []
    jp = os.path.join(raw, "jmh.json")
    if os.path.exists(jp) and os.path.getsize(jp) > 0:
        jmh = json.load(open(jp, encoding="utf-8"))
    rtbench = ""
    rp = os.path.join(raw, "rtbench.md")
    if os.path.exists(rp):
        rtbench = open(rp, encoding="utf-8").read()
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(markdown(meta, data, units, notes, jmh, rtbench))
    with open(svg_path, "w", encoding="utf-8") as f:
        f.write(svg(meta, data, units, jmh))


if __name__ == "__main__":
    main()
