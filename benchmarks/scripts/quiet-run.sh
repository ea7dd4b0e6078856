#!/bin/bash
# The JMH figures and studies of the issues, on a quiet machine. Usage, from the repository root after
# ./mvnw -q package -DskipTests -pl benchmarks -am : benchmarks/scripts/quiet-run.sh OUTDIR
# Two-thread groups (mailbox, channel, round trip) change cache regime from one fork to the next on a
# small VM: they run with many short forks, and fork-ratios.py gives the ratio of the means over forks
# with a bootstrap interval (and the ratio of the medians).
set -u
OUT=${1:-/tmp/quiet}
mkdir -p $OUT
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
J=$JAVA_HOME/bin/java
JAR=benchmarks/target/benchmarks.jar
load() { cut -d' ' -f1-3 /proc/loadavg; }
run() { name=$1; shift; echo "=== $name $(date +%T) load: $(load)"; $J -jar $JAR "$@" -rf csv -rff $OUT/$name.csv > $OUT/$name.log 2>&1; grep -A40 "^Benchmark" $OUT/$name.log | grep -v "^$"; }
study() { name=$1; shift; echo "=== $name $(date +%T) load: $(load)"; $J -cp $JAR "$@" > $OUT/$name.log 2>&1; tail -n 30 $OUT/$name.log; }
# the issue-3 pairs: many forks, JSON, and the ratio over forks with its bootstrap interval
pair() { name=$1; ours=$2; base=$3; shift 3; echo "=== $name $(date +%T) load: $(load)"; $J -jar $JAR "$@" -rf json -rff $OUT/$name.json > $OUT/$name.log 2>&1; python3 $(dirname $0)/fork-ratios.py $OUT/$name.json $ours $base; }
pair channel channel:channelSend jctoolsSpsc:queueOffer 'ChannelBenchmark' -f 16 -wi 2 -w 1 -i 3 -r 1
pair messaging-1to1 mailbox:mailboxSend jctoolsMpsc:queueOffer 'MailboxOneToOneBenchmark' -f 8 -wi 3 -w 1 -i 5 -r 1
pair messaging-4to1 mailbox:mailboxSend jctoolsMpsc:queueOffer 'MailboxFourToOneBenchmark' -f 8 -wi 3 -w 1 -i 5 -r 1
pair roundtrip engineRoundTrip rawQueuePingPong 'RoundTripBenchmark' -f 8 -wi 3 -w 1 -i 5 -r 1
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
