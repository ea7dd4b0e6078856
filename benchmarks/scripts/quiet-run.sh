#!/bin/bash
# The JMH figures of the issues, on a quiet machine. Usage, from the repository root after
# ./mvnw -q package -DskipTests -pl benchmarks -am : benchmarks/scripts/quiet-run.sh OUTDIR
set -u
OUT=${1:-/tmp/quiet}
mkdir -p $OUT
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
J=$JAVA_HOME/bin/java
JAR=benchmarks/target/benchmarks.jar
run() { name=$1; shift; echo "=== $name $(date +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)"; $J -jar $JAR "$@" -rf csv -rff $OUT/$name.csv > $OUT/$name.log 2>&1; tail -n 40 $OUT/$name.log | grep -A40 "^Benchmark" ; }
run messaging-1to1 'MailboxOneToOneBenchmark' -f 1 -wi 3 -w 1 -i 5 -r 1
run messaging-4to1 'MailboxFourToOneBenchmark' -f 1 -wi 3 -w 1 -i 5 -r 1
run channel 'ChannelBenchmark' -f 1 -wi 3 -w 1 -i 5 -r 1
run roundtrip 'RoundTripBenchmark' -f 1 -wi 3 -w 1 -i 5 -r 1
run gc-1to1 'MailboxOneToOneBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -prof gc
run dqdt-decision 'DqdtDecisionBenchmark' -f 1 -wi 3 -w 1 -i 5 -r 1
run dqdt-update-t1 'DqdtUpdateBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -t 1
run dqdt-update-t2 'DqdtUpdateBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -t 2
for t in 1 2 4 8 16; do
run pages-t$t 'PageAllocatorBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -t $t -p variant=global-lock,batched-cache,locality-cache-m1,locality-cache-m2,locality-cache-m4,locality-cache-m8
done
