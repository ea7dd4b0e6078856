package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameBinding;
import dev.manycore.messaging.NameCache;
import dev.manycore.numa.CoreId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A name-cache hit, the first step of every send by name: the per-core {@link NameCache} against a
 * shared {@link ConcurrentHashMap} holding the same 64 bindings, looked up for the same random
 * sequence of names (parsed once, as a sender holds its names) in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NameCacheBenchmark {

    private static final int NAMES = 64;
    private static final int LOOKUPS = 1024;

    private final NameCache cache = new NameCache();
    private final ConcurrentHashMap<Name, NameBinding> map = new ConcurrentHashMap<>();
    private Name[] sequence;

    @Setup
    public void setUp() {
        Name[] names = new Name[NAMES];
        for (int i = 0; i < NAMES; i++) {
            names[i] = Name.of("/sys/service-" + i + "/member");
            NameBinding b = new NameBinding(names[i], new Address(new CoreId(i), i), 1);
            cache.put(b);
            map.put(names[i], b);
        }
        SplittableRandom random = new SplittableRandom(42);
        sequence = new Name[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            // fresh but equal instances: a sender's names are its own objects, not the cache's keys
            sequence[i] = Name.of(names[random.nextInt(NAMES)].toString());
        }
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public int nameCacheHit() {
        int sum = 0;
        for (Name n : sequence) {
            sum += cache.lookup(n).address().mailbox();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public int concurrentHashMapGet() {
        int sum = 0;
        for (Name n : sequence) {
            sum += map.get(n).address().mailbox();
        }
        return sum;
    }
}
