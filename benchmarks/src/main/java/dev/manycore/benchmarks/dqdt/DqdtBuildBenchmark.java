package dev.manycore.benchmarks.dqdt;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.numa.Topology;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Building a DQDT (shape, counter arrays, initial free memory and the first flush) on the largest
 * mesh, 64 x 64 clusters, and on TSAR; the baseline is building the topology itself, the input
 * every DQDT is built from, in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DqdtBuildBenchmark {

    /** Mesh side: 16 (TSAR) or 64 (the largest mesh). */
    @Param({"16", "64"})
    public int side;

    private Topology topology;

    @Setup
    public void setUp() {
        topology = Topology.mesh(side, side).coresPerCluster(4).build();
    }

    /** Ours: the whole DQDT over a ready topology. */
    @Benchmark
    public Dqdt buildDqdt() {
        return Dqdt.of(topology);
    }

    /** Baseline: the topology the DQDT is built from. */
    @Benchmark
    public Topology buildTopology() {
        return Topology.mesh(side, side).coresPerCluster(4).build();
    }
}
