"""Accuracy vs energy proxy of every MAC type (a PNG)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["plot"]

_STYLE = {  # family/operand group -> (label, marker, colour)
    "int": ("int8 (exact MAC)", "s", "black"),
    "mitchw8": ("Mitch-w, 8-bit operands", "o", "tab:blue"),
    "mitchw16": ("Mitch-w, 16-bit operands", "^", "tab:cyan"),
    "bf16": ("bfloat16 MAC", "D", "tab:red"),
    "exp": ("exp weights (shift MAC)", "v", "tab:green"),
    "lin": ("linear weights (8-bit MAC)", "<", "tab:olive"),
    "adder": ("AdderNet / Winograd-AdderNet", "P", "tab:purple"),
    "drum": ("DRUM-k, 8-bit operands", "h", "tab:orange"),
    "ilm": ("ILM-n, 8-bit operands", "X", "tab:brown"),
    "mitchw_ec": ("error-compensated Mitch-w, 8-bit operands", "p", "tab:pink"),
}
#: Lower edge of the accuracy axis; points below it are listed in a note instead.
FLOOR = 80
#: Points named on the plot, with the label offset in points (the rest stay anonymous in their group).
_LABELLED = {"int8": (-30, 7), "mitchw3_8_sm": (-10, -12), "mitchw6_8_sm": (-30, 8), "mitchw6_8_u": (-20, -12),
             "mitchw6_16_sm": (8, 5), "mitchw3_16_sm": (-72, -3), "bf16": (-8, 7), "bf16_mitchw6": (6, -11),
             "exp3": (4, 3), "exp4": (4, 3), "lin3": (4, 3), "lin4": (4, -9), "adder_direct": (4, -10),
             "adder_wino_standard": (4, 5), "adder_wino_balanced": (4, 3), "drum6_8_sm": (6, 3),
             "ilm2_8_sm": (6, -9), "mitchw_ec8_8_sm": (6, 3)}


def _group(r) -> str:
    if r["family"] == "mitchw":
        return f"mitchw{r['operand_width']}"
    if r["family"] == "weights":
        return r["variant"][:3]
    return r["family"]


def plot(recs: list[dict], energy: dict[str, dict], path: Path, title: str = "",
         ylabel: str = "top-1 accuracy on the digits test split (%)", floor: float = FLOOR) -> int:
    """Write the plot; returns the number of points drawn. ``floor``: lower edge of the accuracy axis."""
    import matplotlib  # lazy: matplotlib loads only when a plot is drawn (keeps `hwgen --help` fast)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # lazy: matplotlib loads only when a plot is drawn (keeps `hwgen --help` fast)

    fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
    seen, n, below = set(), 0, []
    for r in recs:
        e = energy.get(r["variant"])
        if r.get("status") != "ok" or e is None:
            continue
        if 100 * r["top1"] < floor:
            below.append(f"{r['variant']} {100 * r['top1']:.1f}%")
            continue
        g = _group(r)
        label, marker, colour = _STYLE.get(g, (g, "x", "tab:gray"))
        ax.scatter(e["energy_per_mac"], 100 * r["top1"], marker=marker, color=colour, s=36,
                   label=None if g in seen else label, alpha=0.85, zorder=3)
        seen.add(g)
        n += 1
        if r["variant"] in _LABELLED:
            ax.annotate(r["variant"], (e["energy_per_mac"], 100 * r["top1"]), fontsize=7,
                        xytext=_LABELLED[r["variant"]], textcoords="offset points")
    fp32 = next((r for r in recs if r["variant"] == "fp32" and r.get("status") == "ok"), None)
    if fp32:
        ax.axhline(100 * fp32["top1"], ls="--", lw=0.8, color="grey", label="fp32 CNN (no MAC unit)")
    ax.set_xscale("log")
    ax.set_xlabel("energy proxy per multiply-accumulate (GE x toggles / MAC, synthesized netlist, log scale)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(floor, 100)
    if below:
        ax.text(0.01, 0.01, f"below {floor}%: " + ", ".join(below), transform=ax.transAxes, fontsize=7,
                va="bottom", color="dimgrey", wrap=True)
    ax.grid(True, which="both", lw=0.3, alpha=0.5)
    ax.legend(fontsize=8, loc="center right")
    ax.set_title(title or "Bit-exact accuracy vs energy proxy of each MAC type", fontsize=10)
    fig.tight_layout()
    import io

    from hwgen.atomic import atomic_write_bytes
    path = Path(path)
    buf = io.BytesIO()  # rendered in memory, then written atomically like every other output
    fig.savefig(buf, format=path.suffix.lstrip(".") or "png", metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
    return n
