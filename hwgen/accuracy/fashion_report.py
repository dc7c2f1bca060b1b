"""Markdown tables of the Fashion-MNIST study (what `hwgen accuracy --dataset fashion-mnist` prints and
reports/accuracy_fashion*.md hold). Every row states its image count; deltas carry their paired 95 %
confidence interval."""

from __future__ import annotations

from hwgen.accuracy.report import _adders, _energy, _fit, _mitchw_grid, _table, _weights, bn_study_names, pct

__all__ = ["markdown"]


def _ci(r, key="ci95_delta") -> str:
    ci = r.get(key)
    if not ci:
        return "-"
    return f"[{100 * ci[0]:+.2f}, {100 * ci[1]:+.2f}]"


def _main(recs) -> list[str]:
    rows = []
    for r in recs:
        if r.get("status") != "ok":
            continue
        rows.append([f"`{r['variant']}`", r["model"], str(r.get("operand_width", "-")), str(r["images"]),
                     pct(r["top1"]), pct(r["delta_vs_fp32"], True), _ci(r), pct(r["agree_fp32"]),
                     pct(r.get("product_bias"), True), pct(r.get("top1_bn_recomputed"))])
    return _table(["variant", "model", "operand bits", "images", "top-1 %", "delta vs fp32 (pp)",
                   "95 % CI of the delta (pp)", "agrees with fp32 %", "product bias %",
                   "top-1 % with BN re-estimated"], rows)


def _layers(by) -> list[str]:
    """Per-layer figures of the 8-bit integer variants: product bias and accumulator slope / residual."""
    rows = []
    for name in bn_study_names(by, "layer_scale"):
        r = by.get(name)
        if not r or "layer_scale" not in r:
            continue
        lb, ls = r.get("layer_product_bias", {}), r["layer_scale"]
        rows.append([f"`{name}`"] + [f"{pct(lb.get(k), True)} / {_fit(ls.get(k))}" for k in
                                     ("conv1", "conv2", "fc1", "fc2")]
                    + [_fit(r.get("logits_vs_fp32")), _fit(r.get("logits_vs_fp32_bn_recomputed")),
                       pct(r["top1"]), pct(r.get("top1_bn_recomputed")), _ci(r, "ci95_delta_bn_recomputed")])
    return _table(["variant", "conv1", "conv2", "fc1", "fc2", "logits vs fp32, BN kept",
                   "logits vs fp32, BN re-estimated", "top-1 % BN kept", "top-1 % BN re-estimated",
                   "95 % CI of the delta, BN re-estimated (pp)"], rows) if rows else []


def _drop_empty_rows(lines: list[str]) -> list[str]:
    """Table rows whose cells (after the first) are all '-' say nothing: leave them out."""
    keep = lines[:2] + [ln for ln in lines[2:] if any(c.strip() != "-" for c in ln.strip("|").split("|")[1:])]
    return keep if len(keep) > 2 else []


def markdown(recs: list[dict], header: str = "") -> str:
    by = {r["variant"]: r for r in recs if r.get("status") == "ok"}
    sets = sorted({r.get("image_set", "") for r in recs if r.get("status") == "ok"})
    bn = sorted({r["bn_images"] for r in recs if r.get("bn_images")})
    parts = []
    if header:
        parts += [header, ""]
    parts += ["Network: hwgen/accuracy/fashion_nn.py (conv1 8, conv2 16 channels, fc 784-64-10; ~333k MACs per "
              "image). Activation scales: the fp32 network's largest activations over the first 10000 training "
              "images.", ""]
    parts += ["Fashion-MNIST, all variants (image sets: " + "; ".join(sets) + "; delta, its paired 95 % "
              "confidence interval and agreement against the fp32 run of the same trained model on the same "
              "images):", "", *_main(recs)]
    for title, lines in (
            ("Mitch-w: top-1 delta vs fp32 (percentage points) by kept bits, operand width and signedness:",
             _drop_empty_rows(_mitchw_grid(by))),
            ("Per layer (8-bit operands): each cell 'product bias % / slope / residual': the mean relative "
             "error of the layer's products on the network's own operands (all of the row's images), then the "
             "least-squares slope of the layer's accumulators against exact products on the same inputs and "
             "the relative rms error left after that scale (the first 1000 of the row's images); logits against "
             "the fp32 network with the trained BN statistics kept or "
             "re-estimated on the approximate network (" + ("; ".join(bn) or "-") + "):", _layers(by)),
            ("Weight discretization (8-bit activations, shift requantization):", _weights(by)),
            ("AdderNets (conv2 through adder_direct / wino_adder; conv1, fc1, fc2 int8):", _adders(by)),
            ("Energy proxy of each MAC type (`hwgen synth UNIT --json`), per equivalent multiply-accumulate:",
             _energy(recs))):
        if lines:
            parts += ["", title, "", *lines]
    pending = [r for r in recs if r.get("status") == "pending"]
    if pending:
        parts += ["", "Pending: " + ", ".join(
            f"`{r['variant']}` ({', '.join(r['missing_units']) or 'no trained weights: ' + r.get('missing_weights', '')})"
            for r in pending)]
    return "\n".join(parts) + "\n"
