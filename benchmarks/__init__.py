"""The performance harness: ``python -m benchmarks`` (see README, "Benchmarks").

Every case times whole processes against a baseline measured in the same run, and
reports the ratio against its goal; results go to benchmarks/RESULTS.md.
"""
