#!/bin/bash
# Our side and its baseline in alternating single-fork JMH runs, so that both meet the same minutes of
# a shared host (on a small VM a whole run of forks of one side can land in a slow window that the
# other side's forks, run after it, miss). Prints each pair and the median and quartiles of the
# per-pair ratios, ours / baseline: for a throughput higher is better, for a time per op lower is.
#
# Usage, from the repository root after ./mvnw -q package -DskipTests -pl benchmarks -am :
#   benchmarks/scripts/alternate.sh PAIRS OURS_REGEX OURS_METRIC BASE_REGEX BASE_METRIC [JMH options]
# A metric is the name JMH prints, for a group's thread "channel:channelSend". When both regexes are
# the same, one run per pair measures both sides (RoundTripBenchmark).
# Example: benchmarks/scripts/alternate.sh 10 'ChannelBenchmark.channel$' channel:channelSend \
#            'ChannelBenchmark.jctoolsSpsc$' jctoolsSpsc:queueOffer -wi 2 -w 1 -i 3 -r 1
set -u
pairs=$1; ours=$2; ourMetric=$3; base=$4; baseMetric=$5; shift 5
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=${JAR:-benchmarks/target/benchmarks.jar}
score() { awk -v m="$1" '$1 ~ ("\\." m "$") || $1 ~ ("\\." m ":") {s=$4} $1 ~ (":" m "$") {s=$4} END {print s}'; }
for i in $(seq "$pairs"); do
  out=$($J -jar "$JAR" "$ours" -f 1 "$@" 2>&1)
  a=$(echo "$out" | score "$ourMetric")
  if [ "$base" != "$ours" ]; then out=$($J -jar "$JAR" "$base" -f 1 "$@" 2>&1); fi
  b=$(echo "$out" | score "$baseMetric")
  echo "$a $b"
done | awk -v o="$ourMetric" -v b="$baseMetric" '
  $1 > 0 && $2 > 0 { r[n++] = $1 / $2; printf "%s %.1f  %s %.1f  ratio %.2f\n", o, $1, b, $2, $1 / $2 }
  END {
    if (n == 0) { print "no pair measured"; exit 1 }
    for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
    printf "%d pairs: median ratio %.2f, quartiles %.2f-%.2f, range %.2f-%.2f\n", n, r[int((n - 1) / 2)], r[int((n - 1) / 4)], r[int(3 * (n - 1) / 4)], r[0], r[n - 1]
  }'
