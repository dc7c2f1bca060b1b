"""Real timing figures across pipeline depths (`hwgen fmax`)."""

from .fmax import fmax_rows, fmax_table, plot_fmax

__all__ = ["fmax_rows", "fmax_table", "plot_fmax"]
