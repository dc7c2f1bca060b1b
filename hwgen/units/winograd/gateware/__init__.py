"""Winograd transform units for AdderNet (units.md §4) and their direct baselines.

Modules: :mod:`.widths` (exact bit growth, no Amaranth), :mod:`.linear` (shift-and-add trees, 2-D
transforms, the ``-|u - v|`` operation), :mod:`.transforms` (input, output and filter transforms),
:mod:`.adder_array` (accumulating ``-|u - v|`` array), :mod:`.tile` (AdderNet and multiplication tiles),
:mod:`.direct` (direct AdderNet and convolution). Import the components from those modules.
"""
