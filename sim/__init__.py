"""cocotb test benches for hwgen (installed as the package ``hwgen_sim``)."""
