#!/bin/bash
# The measurements that need the 16-core device machine, in one command that fits one device call
# (about 6 minutes of the 10 a call may take):
#   issue 4: DqdtUpdateBenchmark (64 x 64) at 1, 2, 4, 8 and 16 threads; target: the aggregate rate
#            at 16 threads at least 8 times the 1-thread rate (ALMOS scheme beside it);
#   issue 6: PageAllocatorBenchmark at 1 to 16 threads, global lock, Linux-style batched caches and
#            the cached fleet with 1, 2, 4 and 8 members; targets: the fleet at 16 threads at least 4
#            times the best baseline, and its best throughput growing at least 0.7 x linearly with
#            fleet size up to 8 members.
# Into OUTDIR (five files, within what a device call brings back): machine.txt, summary.txt (every
# JMH table), dqdt-update.csv, pages.csv and logs.tgz.
#
# Here, from the repository root, before the call:
#   ../shared/tools/device-jre.sh && ./mvnw -q -pl benchmarks -am package -DskipTests
# The device call carries .device and benchmarks/target/benchmarks.jar and runs:
#   tar xzf .device/jre.tgz -C /tmp && JAVA=/tmp/jre/bin/java benchmarks/scripts/device-run.sh $OUT
# THREADS="1 2" runs a shorter check of the script itself on a small machine.
set -u
OUT=${1:?usage: device-run.sh OUTDIR}
J=${JAVA:-java}
JAR=${JAR:-benchmarks/target/benchmarks.jar}
THREADS=${THREADS:-1 2 4 8 16}
WORK=$(mktemp -d)
mkdir -p "$OUT"
{ echo "cpus: $(nproc)"; lscpu 2>/dev/null; "$J" -version 2>&1; } > "$OUT/machine.txt"
run() {
  name=$1; shift
  echo "=== $name $(date +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
  "$J" -jar "$JAR" "$@" -rf csv -rff "$WORK/$name.csv" > "$WORK/$name.log" 2>&1
  grep -A30 "^Benchmark" "$WORK/$name.log" | grep -v "^$" | tee -a "$OUT/summary.txt"
}
for t in $THREADS; do
  run dqdt-update-t$t DqdtUpdateBenchmark -p side=64 -f 1 -wi 2 -w 1 -i 3 -r 1 -t "$t"
done
for t in $THREADS; do
  run pages-t$t PageAllocatorBenchmark -f 1 -wi 2 -w 1 -i 3 -r 1 -t "$t" \
    -p variant=global-lock,batched-cache,locality-cache-m1,locality-cache-m2,locality-cache-m4,locality-cache-m8
done
# one CSV per benchmark, with a threads column (JMH's CSV has one); header once
for family in dqdt-update pages; do
  first=1
  for f in "$WORK"/$family-t*.csv; do
    [ -f "$f" ] || continue
    if [ $first = 1 ]; then cat "$f"; first=0; else tail -n +2 "$f"; fi
  done > "$OUT/$family.csv"
done
tar czf "$OUT/logs.tgz" -C "$WORK" $(cd "$WORK" && ls *.log)
rm -rf "$WORK"
echo "=== done $(date +%T)" | tee -a "$OUT/summary.txt"
