"""Yosys scripts of hwgen (one per target, used for every design), installed as the package
``hwgen_synth`` so the flow finds them outside a checkout too."""
