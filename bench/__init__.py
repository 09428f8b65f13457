"""The benchmark harness (python -m bench) and the synthetic force generator (bench.generate)."""
