"""Side-by-side comparison of units: tables (Markdown, CSV, JSON) and cost-vs-error plots."""

from hwgen.report.catalog import GROUPS, HEADLINE, Entry, catalog
from hwgen.report.compare import run_compare, select_entries
from hwgen.report.evaluate import Options, evaluate_entry, evaluate_extra
from hwgen.report.plots import pareto_front, plot_cost_vs_error
from hwgen.report.tables import csv_text, headline, json_text, markdown

__all__ = ["GROUPS", "HEADLINE", "Entry", "catalog", "run_compare", "select_entries", "Options",
           "evaluate_entry", "evaluate_extra", "pareto_front", "plot_cost_vs_error", "csv_text", "headline",
           "json_text", "markdown"]
