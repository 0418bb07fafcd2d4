#!/usr/bin/env python3
"""Exact references for tests/unit/test_core_bkt.c (run: python3 tests/unit/bkt_reference.py).

BKT's forward recursion in exact rational arithmetic (fractions.Fraction), so
nothing is rounded until the end; logarithms of the exact rationals are taken
with decimal at 60 digits. The test pastes the printed values.

The 1,000-answer sequence: answer i (from 0) is correct iff i % 50 < 30, so
runs of 30 correct answers (P(not mastered) falls below 1e-16) alternate with
runs of 20 wrong ones (which must raise it again).
"""
from decimal import Decimal, getcontext
from fractions import Fraction as F

getcontext().prec = 60


def ln(x: F) -> Decimal:
    return Decimal(x.numerator).ln() - Decimal(x.denominator).ln()


def run(prior, learn, forget, guess, slip, answers):
    """Returns (log-likelihood, P(mastered), P(not mastered)) after the answers, exactly."""
    p, q = prior, 1 - prior
    ll = Decimal(0)
    for c in answers:
        a1 = p * ((1 - slip) if c else slip)
        a0 = q * (guess if c else (1 - guess))
        ll += ln(a1 + a0)
        post1, post0 = a1 / (a1 + a0), a0 / (a1 + a0)
        p = post1 * (1 - forget) + post0 * learn
        q = post0 * (1 - learn) + post1 * forget
    return ll, p, q


def show(name, prior, learn, forget, guess, slip, answers):
    ll, p, q = run(prior, learn, forget, guess, slip, answers)
    print(f"{name}: loglik {ll:.20e}")
    print(f"    P(mastered) {Decimal(p.numerator) / Decimal(p.denominator):.20e}")
    print(f"    P(not mastered) {Decimal(q.numerator) / Decimal(q.denominator):.20e}")


seq = [1 if i % 50 < 30 else 0 for i in range(1000)]
show("1000 answers, standard (0.5, 0.1, 0, 0.3, 0.05)", F(1, 2), F(1, 10), F(0), F(3, 10), F(1, 20), seq)
show("1000 answers, forgetting (0.5, 0.1, 0.02, 0.3, 0.05)", F(1, 2), F(1, 10), F(1, 50), F(3, 10), F(1, 20), seq)
# the example parameters (prior 0.5, learn 0.1, guess 0.2, slip 0.1)
show("40 right (0.5, 0.1, 0, 0.2, 0.1)", F(1, 2), F(1, 10), F(0), F(1, 5), F(1, 10), [1] * 40)
show("40 right, 30 wrong (0.5, 0.1, 0, 0.2, 0.1)", F(1, 2), F(1, 10), F(0), F(1, 5), F(1, 10), [1] * 40 + [0] * 30)
show("40 right, 35 wrong (0.5, 0.1, 0, 0.2, 0.1)", F(1, 2), F(1, 10), F(0), F(1, 5), F(1, 10), [1] * 40 + [0] * 35)
show("40 right, 30 wrong (0.5, 0.1, 0, 0.3, 0.05)", F(1, 2), F(1, 10), F(0), F(3, 10), F(1, 20), [1] * 40 + [0] * 30)
