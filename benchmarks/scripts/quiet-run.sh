#!/bin/bash
# The JMH figures and studies of the issues, on a quiet machine. Usage, from the repository root after
# ./mvnw -q package -DskipTests -pl benchmarks -am : benchmarks/scripts/quiet-run.sh OUTDIR
# Two-thread groups (mailbox, channel, round trip) change regime from one fork to the next on a small
# VM, and the host's slow windows last minutes: alternate.sh runs ours and the baseline in alternating
# single forks and reports the median of the per-pair ratios.
set -u
OUT=${1:-/tmp/quiet}
mkdir -p $OUT
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
J=$JAVA_HOME/bin/java
JAR=benchmarks/target/benchmarks.jar
load() { cut -d' ' -f1-3 /proc/loadavg; }
run() { name=$1; shift; echo "=== $name $(date +%T) load: $(load)"; $J -jar $JAR "$@" -rf csv -rff $OUT/$name.csv > $OUT/$name.log 2>&1; grep -A40 "^Benchmark" $OUT/$name.log | grep -v "^$"; }
study() { name=$1; shift; echo "=== $name $(date +%T) load: $(load)"; $J -cp $JAR "$@" > $OUT/$name.log 2>&1; tail -n 30 $OUT/$name.log; }
# the issue-3 pairs: ours and the baseline in alternating single forks, median of the per-pair ratios
pair() { name=$1; shift; echo "=== $name $(date +%T) load: $(load)"; JAR=$JAR $(dirname $0)/alternate.sh "$@" | tee $OUT/$name.txt; }
pair channel 12 'ChannelBenchmark.channel$' channel:channelSend 'ChannelBenchmark.jctoolsSpsc$' jctoolsSpsc:queueOffer -wi 2 -w 1 -i 3 -r 1
pair messaging-1to1 8 'MailboxOneToOneBenchmark.mailbox$' mailbox:mailboxSend 'MailboxOneToOneBenchmark.jctoolsMpsc$' jctoolsMpsc:queueOffer -wi 3 -w 1 -i 5 -r 1
pair messaging-4to1 8 'MailboxFourToOneBenchmark.mailbox$' mailbox:mailboxSend 'MailboxFourToOneBenchmark.jctoolsMpsc$' jctoolsMpsc:queueOffer -wi 3 -w 1 -i 5 -r 1
pair roundtrip 8 'RoundTripBenchmark' engineRoundTrip 'RoundTripBenchmark' rawQueuePingPong -wi 3 -w 1 -i 5 -r 1
run channelpath 'ChannelPathBenchmark' -f 2 -wi 3 -w 1 -i 5 -r 1
run gc-1to1 'MailboxOneToOneBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -prof gc
run dqdt-decision 'DqdtDecisionBenchmark' -f 2 -wi 3 -w 1 -i 5 -r 1
study dqdt-study dev.manycore.benchmarks.dqdt.DqdtDecisionStudy 2000
run dqdt-update-t1 'DqdtUpdateBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -t 1
run dqdt-update-t2 'DqdtUpdateBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -t 2
study sim-speed dev.manycore.benchmarks.sim.SimulatorSpeedStudy 5
for t in 1 2 4 8 16; do
run pages-t$t 'PageAllocatorBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -t $t -p variant=global-lock,batched-cache,locality-cache-m1,locality-cache-m2,locality-cache-m4,locality-cache-m8
done
