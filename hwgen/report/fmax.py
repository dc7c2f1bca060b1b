"""The Fmax-by-pipeline-depth table and plot of ``hwgen fmax`` (rows from hwgen.evaluation.fmax)."""

from __future__ import annotations

import io
from pathlib import Path

from hwgen.atomic import atomic_write_bytes

__all__ = ["fmax_table", "plot_fmax"]


def _fmt(v, nd=2) -> str:
    if v is None:
        return "-"
    return f"{v:.{nd}f}" if isinstance(v, float) else str(v)


def fmax_table(rows: list[dict]) -> str:
    """A Markdown table, one row per pipeline depth."""
    cols = [("pipeline", "pipeline", 0), ("latency", "latency", 0)]
    if any("sta_fmax_mhz" in r for r in rows):
        cols += [("sta_delay_ns", "STA delay (ns)", 3), ("sta_fmax_mhz", "STA Fmax (MHz)", 1),
                 ("area_um2", "area (um^2)", 0), ("energy_pj_per_op", "energy (pJ/op at Fmax)", 3)]
    if any("pnr_target" in r for r in rows):
        cols += [("pnr_fmax_mhz", "FPGA Fmax (MHz)", 2), ("logic_cells", "logic cells", 0), ("dffs", "FFs", 0)]
    head = "| " + " | ".join(c[1] for c in cols) + " |"
    sep = "|" + "|".join("---:" for _ in cols) + "|"
    body = []
    for r in rows:
        cells = []
        for key, _, nd in cols:
            v = r.get(key)
            if key == "pnr_fmax_mhz" and r.get("pnr_fits") is False:
                cells.append("does not fit")
            else:
                cells.append(_fmt(round(v) if nd == 0 and isinstance(v, float) else v, nd))
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([head, sep] + body) + "\n"


def plot_fmax(rows: list[dict], title: str, path: Path) -> Path:
    """Fmax (left axis) and area (right axis) against pipeline depth."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["pipeline"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    ax2 = ax.twinx()
    if any(r.get("sta_fmax_mhz") for r in rows):
        ax.plot(x, [r.get("sta_fmax_mhz") for r in rows], "o-", color="C0", label="STA Fmax (MHz)")
        ax2.plot(x, [r.get("area_um2") for r in rows], "s--", color="C2", label="area (um^2)")
    if any(r.get("pnr_fmax_mhz") for r in rows):
        ax.plot(x, [r.get("pnr_fmax_mhz") for r in rows], "o-", color="C1", label="FPGA Fmax (MHz)")
        ax2.plot(x, [r.get("logic_cells") for r in rows], "s--", color="C3", label="logic cells")
    ax.set_xlabel("pipeline stages")
    ax.set_ylabel("Fmax (MHz)")
    ax2.set_ylabel("area")
    ax.set_xticks(x)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="best")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return atomic_write_bytes(path, buf.getvalue())
