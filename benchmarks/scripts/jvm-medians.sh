#!/bin/bash
# TransportBurstStudy in many fresh JVMs, one jar after the other, so that two builds (or one build
# twice) meet the same minutes. A two-thread figure on a small VM depends on what C2 made of the
# send and receive loops in that JVM (the same jar runs at 80 or at 550 msgs/us from one JVM to the
# next, JCTools included), so one JVM says little: this prints, per jar, the median over JVMs of each
# case's p50 rate and of the per-JVM ratios channel / jctoolsSpsc and mailbox / jctoolsMpsc.
#
# Usage, from the repository root:
#   benchmarks/scripts/jvm-medians.sh JVMS JAR [JAR...]
# Example (a build before and after a change, 12 JVMs each, about 1 minute):
#   benchmarks/scripts/jvm-medians.sh 12 /tmp/before.jar benchmarks/target/benchmarks.jar
# ROUNDS (default 100) is passed to TransportBurstStudy; its first quarter is warm-up.
set -u
jvms=${1:?usage: jvm-medians.sh JVMS JAR [JAR...]}; shift
[ $# -ge 1 ] || { echo "usage: jvm-medians.sh JVMS JAR [JAR...]" >&2; exit 2; }
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
for i in $(seq "$jvms"); do
  for jar in "$@"; do
    "$J" -cp "$jar" dev.manycore.benchmarks.messaging.TransportBurstStudy "${ROUNDS:-100}" \
      | awk -v jar="$jar" '$1 ~ /^(channel|jctoolsSpsc|mailbox|jctoolsMpsc)$/ && $2 ~ /^[0-9.]+$/ {r[$1] = $2}
          END {if (length(r) == 4) print jar, r["channel"], r["jctoolsSpsc"], r["mailbox"], r["jctoolsMpsc"]; else print jar, "failed" > "/dev/stderr"}'
  done
done | awk '
  # median of v[k, 0..n-1], sorted in a copy
  function median(v, k, n,   a, i, j, t) {
    for (i = 0; i < n; i++) a[i] = v[k, i]
    for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[int(n / 2)] : (a[n / 2 - 1] + a[n / 2]) / 2
  }
  { k = $1; if (!(k in n)) order[m++] = k; i = n[k]++
    ch[k, i] = $2; sp[k, i] = $3; mb[k, i] = $4; mp[k, i] = $5; rc[k, i] = $2 / $3; rm[k, i] = $4 / $5 }
  END {
    if (m == 0) { print "no JVM finished"; exit 1 }
    for (o = 0; o < m; o++) {
      k = order[o]; c = n[k]
      printf "%s: %d JVMs, median p50 msgs/us: channel %.0f, jctoolsSpsc %.0f, mailbox %.1f, jctoolsMpsc %.1f; median ratio channel/spsc %.2f, mailbox/mpsc %.2f\n",
        k, c, median(ch, k, c), median(sp, k, c), median(mb, k, c), median(mp, k, c), median(rc, k, c), median(rm, k, c)
    }
  }'
