#!/bin/bash
# The measurements that need the 16-core device machine, in one command that fits one device call
# (about 6 minutes of the 10 a call may take):
#   issue 4: DqdtUpdateBenchmark (64 x 64) at 1, 2, 4, 8 and 16 threads; target: the aggregate rate
#            at 16 threads at least 8 times the 1-thread rate (ALMOS scheme beside it);
#   issue 6: PageAllocatorBenchmark at 1 to 16 threads, global lock, Linux-style batched caches and
#            the cached fleet with 1, 2, 4 and 8 members; targets: the fleet at 16 threads at least 4
#            times the best baseline, and its best throughput growing at least 0.7 x linearly with
#            fleet size up to 8 members;
#   issue 3 (only with PARTS containing 3: about 3 more minutes): the channel against JCTools SPSC
#            (target 0.8), the mailbox against JCTools MPSC with 1 and 4 senders (0.8) and the round
#            trip against a raw ping-pong (at most 1.5x), each in alternating single forks
#            (alternate.sh, PAIRS pairs, default 5), on a machine whose two benchmark threads sit
#            on cores of their own.
# Into OUTDIR (five files, within what a device call brings back): machine.txt, summary.txt (every
# JMH table), dqdt-update.csv, pages.csv and logs.tgz.
#
# Here, from the repository root, before the call:
#   ../shared/tools/device-jre.sh && ./mvnw -q -pl benchmarks -am package -DskipTests
# The device call carries .device and benchmarks/target/benchmarks.jar and runs:
#   tar xzf .device/jre.tgz -C /tmp && JAVA=/tmp/jre/bin/java benchmarks/scripts/device-run.sh $OUT
# THREADS="1 2" runs a shorter check of the script itself on a small machine. PARTS (default "4 6")
# picks the issues: PARTS="3" alone fits a second call; PARTS="3 4 6" takes about 9 minutes.
set -u
OUT=${1:?usage: device-run.sh OUTDIR}
J=${JAVA:-java}
JAR=${JAR:-benchmarks/target/benchmarks.jar}
THREADS=${THREADS:-1 2 4 8 16}
PARTS=${PARTS:-4 6}
PAIRS=${PAIRS:-5}
has() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
WORK=$(mktemp -d)
mkdir -p "$OUT"
{ echo "cpus: $(nproc)"; lscpu 2>/dev/null; "$J" -version 2>&1; } > "$OUT/machine.txt"
run() {
  name=$1; shift
  echo "=== $name $(date +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
  "$J" -jar "$JAR" "$@" -rf csv -rff "$WORK/$name.csv" > "$WORK/$name.log" 2>&1
  grep -A30 "^Benchmark" "$WORK/$name.log" | grep -v "^$" | tee -a "$OUT/summary.txt"
}
pair() {
  echo "=== $1 $(date +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
  shift
  JAVA_HOME=$(dirname "$(dirname "$(command -v "$J")")") JAR=$JAR "$(dirname "$0")/alternate.sh" "$PAIRS" "$@" \
    -wi 2 -w 1 -i 3 -r 1 2>&1 | tee -a "$OUT/summary.txt"
}
if has 3; then
  pair channel 'ChannelBenchmark.channel$' channel:channelSend 'ChannelBenchmark.jctoolsSpsc$' jctoolsSpsc:queueOffer
  pair mailbox-1 'MailboxOneToOneBenchmark.mailbox$' mailbox:mailboxSend 'MailboxOneToOneBenchmark.jctoolsMpsc$' jctoolsMpsc:queueOffer
  pair mailbox-4 'MailboxFourToOneBenchmark.mailbox$' mailbox:mailboxSend 'MailboxFourToOneBenchmark.jctoolsMpsc$' jctoolsMpsc:queueOffer
  pair round-trip 'RoundTripBenchmark' engineRoundTrip 'RoundTripBenchmark' rawQueuePingPong
fi
has 4 && for t in $THREADS; do
  run dqdt-update-t$t DqdtUpdateBenchmark -p side=64 -f 1 -wi 2 -w 1 -i 3 -r 1 -t "$t"
done
has 6 && for t in $THREADS; do
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
