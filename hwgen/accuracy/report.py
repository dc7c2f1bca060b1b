"""Markdown tables of the study's records (what `hwgen accuracy` prints and docs/accuracy.md shows)."""

from __future__ import annotations

from hwgen.accuracy.expfit import decoder_cost, fewest_bits
from hwgen.accuracy.variants import MULTIPLIER_FAMILIES

__all__ = ["markdown", "pct"]


def pct(x, signed: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:+.2f}" if signed else f"{100 * x:.2f}"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _main(recs) -> list[str]:
    rows = []
    for r in recs:
        if r.get("status") != "ok":
            continue
        rows.append([f"`{r['variant']}`", r["model"], str(r.get("operand_width", "-")), pct(r["top1"]),
                     pct(r["delta_vs_fp32"], True), pct(r["agree_fp32"]), pct(r.get("product_bias"), True),
                     pct(r.get("top1_bn_recomputed"))])
    return _table(["variant", "model", "operand bits", "top-1 %", "delta vs fp32 (pp)", "agrees with fp32 %",
                   "product bias %", "top-1 % with BN recomputed"], rows)


def _mitchw_grid(by) -> list[str]:
    cols = [("8", "u"), ("8", "oc"), ("8", "sm"), ("8", "sm_ub"), ("16", "u"), ("16", "oc"), ("16", "sm")]
    cols = [c for c in cols if any(f"mitchw{w}_{c[0]}_{c[1]}" in by for w in range(3, 9))]
    if not cols:
        return []
    rows = []
    for w in range(3, 9):
        row = [f"w = {w}"]
        for n, m in cols:
            r = by.get(f"mitchw{w}_{n}_{m}")
            row.append(pct(r["delta_vs_fp32"], True) if r else "-")
        rows.append(row)
    return _table(["Mitch-w"] + [f"{n}-bit {m}" for n, m in cols], rows)


def _bn(by) -> list[str]:
    rows = []
    for name in bn_study_names(by, "top1_bn_recomputed"):
        r = by.get(name)
        if not r or "top1_bn_recomputed" not in r:
            continue
        ls = r.get("layer_scale", {})
        rows.append([f"`{name}`", pct(r.get("product_bias"), True)]
                    + [_fit(ls.get(k)) for k in ("conv1", "conv2", "fc")]
                    + [_fit(r.get("logits_vs_fp32")), _fit(r.get("logits_vs_fp32_bn_recomputed")),
                       pct(r["top1"]), pct(r["top1_bn_recomputed"])])
    return _table(["variant", "product bias %", "conv1", "conv2", "fc", "logits vs fp32, BN kept",
                   "logits vs fp32, BN recomputed", "top-1 % BN kept", "top-1 % BN recomputed"], rows)


def bn_study_names(by: dict, field: str) -> list[str]:
    """Rows of the per-layer / batch-norm tables: int8 and the 8-bit Mitch-w variants in their fixed order,
    then every other multiplier-family record carrying ``field`` (DRUM, ILM, ...), in record order."""
    fixed = ["int8"] + [f"mitchw{w}_8_{m}" for m in ("sm", "oc", "u", "sm_ub") for w in range(3, 9)]
    return fixed + [n for n, r in by.items()
                    if n not in fixed and field in r and r.get("family") in MULTIPLIER_FAMILIES]


def _fit(f) -> str:
    """A (slope, residual) fit as 'slope / residual'."""
    return f"{f['slope']:.3f} / {f['residual']:.3f}" if f else "-"


def _weights(by) -> list[str]:
    rows = []
    for n in range(2, 7):
        e, li, ef = by.get(f"exp{n}"), by.get(f"lin{n}"), by.get(f"expfit{n}")
        if e or li or ef:
            rows.append([str(n)] + [pct(r["top1"]) if r else "-" for r in (e, ef, li)])
    return _table(["weight bits", "exp (base 1/2) top-1 %", "exp (fitted base) top-1 %", "linear top-1 %"],
                  rows) if rows else []


def _adders(by) -> list[str]:
    rows = []
    for name in ("adder_direct", "adder_wino_standard", "adder_wino_balanced", "adder_wino_standard_noretrain",
                 "adder_wino_balanced_noretrain"):
        r = by.get(name)
        if r:
            rows.append([f"`{name}`", r["model"], r["conv2"], pct(r["model_fp32_top1"]), pct(r["top1"]),
                         pct(r.get("top1_bn_recomputed"))])
    return _table(["variant", "trained model", "conv2 computed as", "fp32 top-1 % of the trained model",
                   "bit-exact top-1 %", "top-1 % with BN2 recomputed"], rows) if rows else []


def _energy(recs) -> list[str]:
    rows = []
    for r in recs:
        e = r.get("energy")
        if r.get("status") == "ok" and e:
            rows.append([f"`{r['variant']}`", f"`{e['module']}`", f"{e['area_ge']:.0f}", str(e["macs_per_op"]),
                         f"{e['energy_per_mac']:.1f}", pct(r["top1"])])
    return _table(["variant", "synthesized unit", "area (GE)", "MACs per unit operation",
                   "energy proxy per MAC (GE*toggle)", "top-1 %"], rows) if rows else []


def markdown(recs: list[dict], dataset: str = "digits") -> str:
    """Every table, separated by blank lines, headed by one line naming it (``dataset`` names the data
    set in the tables that compare across data sets)."""
    by = {r["variant"]: r for r in recs if r.get("status") == "ok"}
    n = {r["images"] for r in recs}
    parts = [f"All variants ({'/'.join(map(str, sorted(n)))} test images; delta and agreement against the "
             "fp32 run of the same trained model):", "", *_main(recs)]
    for title, lines in (("Mitch-w: top-1 delta vs fp32 (percentage points) by kept bits, operand width and "
                          "signedness:", _mitchw_grid(by)),
                         ("Batch normalisation and the product bias (8-bit operands). Each cell is "
                          "'slope / residual': the least-squares slope of the approximate values against the "
                          "reference and the relative rms error left after that scale. conv1, conv2, fc: the "
                          "layer's accumulators against exact products on the same inputs; logits: against the "
                          "fp32 network, with the trained BN statistics kept or re-estimated on the "
                          "approximate network:", _bn(by)),
                         ("Weight discretization (8-bit activations, shift requantization):", _weights(by)),
                         ("AdderNets (conv2 through adder_direct / wino_adder; conv1 and fc int8):", _adders(by)),
                         ("Energy proxy of each MAC type (`hwgen synth UNIT --json`, generic gates, CNN operand "
                          "stream), per equivalent multiply-accumulate:", _energy(recs))):
        if lines:
            parts += ["", title, "", *lines]
    if lines := expfit_lines(recs, dataset):
        parts += ["", *lines]
    pending = [r for r in recs if r.get("status") == "pending"]
    if pending:
        parts += ["", "Pending (unit model not registered yet): " + ", ".join(
            f"`{r['variant']}` ({', '.join(r['missing_units'])})" for r in pending)]
    return "\n".join(parts) + "\n"


def expfit_lines(records: list[dict], dataset: str = "digits") -> list[str]:
    """The fewest-bits table of ``dataset`` and the decoder cost of each expfit width present."""
    by = {r["variant"]: r for r in records if r.get("status") == "ok"}
    if "fp32" not in by or not any(n.startswith("expfit") for n in by):
        return []
    out = [f"Fewest weight bits within 1 point of fp32 ({dataset}; code bits, sign included):", "",
           "| family | bits tried | fewest bits | top-1 % | delta vs fp32 (pp) |", "|---|---|---|---|---|"]
    for row in fewest_bits(records, dataset):
        out.append(f"| {row['family']}: {row['description']} | {', '.join(map(str, row['bits_tried'])) or '-'} "
                   f"| {row['fewest_bits'] or 'none'} | {pct(row['top1'])} | {pct(row['delta_vs_fp32'], True)} |")
    dec = [(int(n[6:]), by[n]) for n in by if n.startswith("expfit") and n[6:].isdigit()]
    out += ["", "Decoder of `expfit{n}`: the 2^n-entry level table (n-bit code -> signed 8-bit operand), "
            "a register file loaded per layer (generic gates, `hwgen.accuracy.expfit.decoder_verilog`):", "",
            "| n | entries x bits | storage bits | area (GE) | cells | top-1 % |", "|---|---|---|---|---|---|"]
    for n, r in sorted(dec):
        d = r.get("decoder") or decoder_cost(n, synthesize=False)
        area = f"{d['area_ge']:.0f}" if "area_ge" in d else "-"
        out.append(f"| {n} | {d['entries']} x {d['entry_bits']} | {d['storage_bits']} | {area} "
                   f"| {d.get('num_cells', '-')} | {pct(r['top1'])} |")
    return out
