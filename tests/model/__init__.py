"""Plain-Python reference model of rollbook's money rules (STYLE rule 15).

Written from the rules, not from the contracts: exact `Fraction` values,
every result enumerated, no packing or shortcuts. Hypothesis tests hold
the contracts to it (`tests/contracts/test_differential.py`).
"""
