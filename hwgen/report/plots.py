"""Area vs error and energy vs error plots, with the Pareto front (lower cost and lower error) marked."""

from __future__ import annotations

from pathlib import Path

from hwgen.catalog import PLOT_GROUPS

__all__ = ["pareto_front", "plot_cost_vs_error"]


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both coordinates (both minimised), sorted by x."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1]))
    front, best_y = [], float("inf")
    for i in order:
        if points[i][1] < best_y:
            front.append(i)
            best_y = points[i][1]
    return front


def plot_cost_vs_error(rows: list[dict], cost: str, cost_label: str, path: Path,
                       error: str = "mre") -> Path | None:
    """One panel per plot group with rows that have both figures; None when no row has them."""
    import matplotlib  # lazy: matplotlib loads only when a plot is drawn (keeps `hwgen --help` fast)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # lazy: matplotlib loads only when a plot is drawn (keeps `hwgen --help` fast)

    panels = []
    for group, title in PLOT_GROUPS:
        pts = [r for r in rows if r["group"] == group and r.get("status") == "ok"
               and r.get(cost) is not None and r.get(error) is not None]
        if pts:
            panels.append((title, pts))
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 4.8), squeeze=False)
    for ax, (title, pts) in zip(axes[0], panels):
        xy = [(100 * abs(r[error]), float(r[cost])) for r in pts]
        front = pareto_front(xy)
        ax.scatter([x for x, _ in xy], [y for _, y in xy], color="tab:blue", zorder=3)
        fx = [xy[i][0] for i in front]
        fy = [xy[i][1] for i in front]
        ax.step(fx, fy, where="post", color="tab:red", linewidth=1.5, zorder=2, label="Pareto front")
        ax.scatter(fx, fy, s=90, facecolors="none", edgecolors="tab:red", zorder=4)
        labels: dict = {}  # coincident points (e.g. Yosys' a*b and mul) share one annotation
        for (x, y), r in zip(xy, pts):
            labels.setdefault((round(x, 6), round(y, 6)), []).append(r["label"])
        for (x, y), names in labels.items():
            ax.annotate(" = ".join(names), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
        ax.set_xlabel(f"{error.upper()} (%)")
        ax.set_ylabel(cost_label)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    import io

    from hwgen.atomic import atomic_write_bytes
    buf = io.BytesIO()  # rendered in memory, then written atomically like every other output
    fig.savefig(buf, dpi=110, format=path.suffix.lstrip(".") or "png")
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
    return path
