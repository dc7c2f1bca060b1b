"""Baseline designs that are not hwgen units: external generators' circuits measured on hwgen's flow."""
