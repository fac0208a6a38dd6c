"""The compare endpoint's rounding, computed independently of metrics/loadtests/services.py."""

from fractions import Fraction


def two_decimals(value: Fraction) -> float:
    """value rounded half-up to 2 decimals, by integer arithmetic on the exact fraction."""
    hundredths = value * 100
    whole = hundredths.numerator // hundredths.denominator
    if hundredths - whole >= Fraction(1, 2):
        whole += 1
    return whole / 100
