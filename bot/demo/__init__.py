"""The demo network for the console and the synthetic trust-scale networks for demos and
benchmarks (`staffroom demo generate`).

May import the kernel, the features and `storage`; nothing imports it but the command line and
the composition root.
"""
