#!/usr/bin/env python3
"""Reference values for tests/unit/test_core_diffci.c, computed independently of
src/core/diffci.c: the t density integrated numerically (composite Simpson's rule on
a substitution that maps [0, inf) to [0, 1)), the quantile by bisection on that
integral, and Welch's interval from the statistics module's mean and variance.
Run: python3 tests/unit/diffci_reference.py"""
import math
import statistics


def t_pdf(t, df):
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    return c * (1 + t * t / df) ** (-(df + 1) / 2)


def t_cdf(t, df, n=20000):
    # P(0 <= T <= |t|) by Simpson on u in [0, atan(|t|)] with t = tan(u)
    a = math.atan(abs(t))
    h = a / n
    s = 0.0
    for i in range(n + 1):
        u = i * h
        f = t_pdf(math.tan(u), df) / math.cos(u) ** 2
        s += f * (1 if i in (0, n) else 4 if i % 2 else 2)
    half = s * h / 3
    return 0.5 + half if t >= 0 else 0.5 - half


def t_quantile(p, df):
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def welch(a, b, level=0.95):
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    va, vb = statistics.variance(a), statistics.variance(b)
    sa, sb = va / len(a), vb / len(b)
    se = math.sqrt(sa + sb)
    df = (sa + sb) ** 2 / (sa * sa / (len(a) - 1) + sb * sb / (len(b) - 1))
    tq = t_quantile(0.5 + level / 2, df)
    return ma - mb, se, df, ma - mb - tq * se, ma - mb + tq * se


for p, df in [(0.975, 1), (0.975, 10), (0.975, 3.7), (0.95, 30), (0.995, 5), (0.975, 1000)]:
    print(f"t_quantile({p}, {df}) = {t_quantile(p, df):.10f}")
for t, df in [(1.5, 4), (-2.0, 7.5), (0.3, 2)]:
    print(f"t_cdf({t}, {df}) = {t_cdf(t, df):.10f}")
A = [12, 15, 9, 20, 17, 14, 11, 18]
B = [8, 5, 11, 7, 10, 6]
print("welch A B: diff %.10f se %.10f df %.10f lo %.10f hi %.10f" % welch(A, B))
C = [0.0, 3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0]
D = [2.0, 7.0, 1.0, 8.0, 2.0, 8.0, 1.0, 8.0, 2.0, 8.0]
print("welch C D 90%%: diff %.10f se %.10f df %.10f lo %.10f hi %.10f" % welch(C, D, 0.90))
