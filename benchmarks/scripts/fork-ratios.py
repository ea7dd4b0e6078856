#!/usr/bin/env python3
"""Ratio of two JMH scores over forks, from a JMH JSON result (-rf json).

Usage: fork-ratios.py RESULT.json OURS BASELINE
OURS and BASELINE name a primary benchmark ("...RoundTripBenchmark.engine") or a secondary
metric of a group ("channel:channelSend"), matched as a suffix. Prints each fork's mean, the
mean and median over forks, and the ratio of the means with a bootstrap 90 % interval over forks
(resampling each side's forks), so a bimodal baseline shows up as a wide interval instead of a
lucky or unlucky figure. The ratio is always ours / baseline: for a throughput, higher is better
(issue 3: at least 0.8); for a time per op, lower is (the round trip: at most 1.5).
"""
import json
import random
import statistics
import sys


def forks(results, name):
    for r in results:
        bench = r["benchmark"]
        if bench.endswith(name):
            return [statistics.fmean(f) for f in r["primaryMetric"]["rawData"]]
        for metric, data in r.get("secondaryMetrics", {}).items():
            group = bench.rsplit(".", 1)[-1]
            if f"{group}:{metric}".endswith(name) and data.get("rawData"):
                return [statistics.fmean(f) for f in data["rawData"]]
    raise SystemExit(f"no benchmark or metric ending in {name}")


def main():
    args = sys.argv[1:]
    if len(args) != 3:
        raise SystemExit(__doc__)
    with open(args[0]) as f:
        results = json.load(f)
    ours, base = forks(results, args[1]), forks(results, args[2])
    ratio = lambda o, b: o / b
    rng = random.Random(1)
    boots = sorted(ratio(statistics.fmean(rng.choices(ours, k=len(ours))),
                         statistics.fmean(rng.choices(base, k=len(base)))) for _ in range(10000))
    for label, xs in ((args[1], ours), (args[2], base)):
        print(f"{label}: forks " + " ".join(f"{x:.1f}" for x in xs)
              + f" | mean {statistics.fmean(xs):.1f} median {statistics.median(xs):.1f}")
    print(f"ratio of means (ours / baseline): "
          f"{ratio(statistics.fmean(ours), statistics.fmean(base)):.2f}, "
          f"bootstrap 90 % {boots[500]:.2f}-{boots[9500]:.2f}; "
          f"ratio of medians {ratio(statistics.median(ours), statistics.median(base)):.2f}")


if __name__ == "__main__":
    main()
