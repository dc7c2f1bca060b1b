"""Presentation of comparison rows: tables (Markdown, CSV, JSON) and cost-vs-error plots."""

from hwgen.report.plots import pareto_front, plot_cost_vs_error
from hwgen.report.tables import csv_text, headline, json_text, markdown

__all__ = ["pareto_front", "plot_cost_vs_error", "csv_text", "headline", "json_text", "markdown"]
