package dev.manycore.benchmarks.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.pages.PageAccounting;
import dev.manycore.fleets.pages.PageAllocator;
import dev.manycore.fleets.pages.PageAllocatorClient;
import dev.manycore.fleets.pages.PagePolicy;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The locality side of the page allocator's trade-off (issue 6): the share of allocated pages that
 * lie in the requester's own cluster, under the locality policy (ALMOS) and the dPool policy with
 * each scheme (fos), on a 4 x 4 mesh with 4 members and enough memory. {@value #THREADS} threads,
 * each homed in its own cluster, free the oldest of a window of {@value #WINDOW} order-0 pages and
 * allocate one, {@value #OPS} times; every allocated page is counted. Writes a CSV (one row per
 * policy) to the path given as the first argument, and prints it.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.pages.PageLocalityStudy out.csv}
 * (under {@code flock /tmp/manycore-bench.lock}).
 */
public final class PageLocalityStudy {

    static final int THREADS = 8;
    static final int WINDOW = 64;
    static final int OPS = 4000;

    private PageLocalityStudy() {
    }

    /**
     * @param args the CSV path (optional)
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add("policy,members,client_cache,threads,pages_counted,local_share,ops_per_s");
        rows.add(run("locality", PagePolicy.locality(), 0));
        rows.add(run("locality", PagePolicy.locality(), 32));
        for (DPoolScheme s : DPoolScheme.values()) {
            rows.add(run("dpool-" + s, PagePolicy.dpool(s), 0));
        }
        String csv = String.join("\n", rows) + "\n";
        System.out.print(csv);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), csv);
        }
    }

    private static String run(String name, PagePolicy policy, int cache) throws Exception {
        Topology topology = Topology.mesh(4, 4).coresPerCluster(4).build();
        try (ThreadedEngine engine = ThreadedEngine.builder(topology).workers(2).build()) {
            PageAllocator pages = PageAllocator.builder(engine, Dqdt.of(topology)).policy(policy).clientCache(cache)
                    .start();
            engine.start();
            pages.ready().get(60, TimeUnit.SECONDS);
            List<CompletableFuture<PageAccounting.LocalityCount>> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                ClusterId home = topology.cluster((t * 5) % topology.clusterCount());
                CoreId core = topology.coresOf(home).stream().filter(c -> !pages.memberCores().contains(c))
                        .findFirst().orElseThrow();
                PageAllocatorClient client = pages.client(core);
                long owner = t + 1;
                threads.add(CompletableFuture.supplyAsync(() -> work(client, home, owner),
                        r -> Thread.ofPlatform().start(r)));
            }
            PageAccounting.LocalityCount all = new PageAccounting.LocalityCount();
            for (CompletableFuture<PageAccounting.LocalityCount> f : threads) {
                all.add(f.get(600, TimeUnit.SECONDS));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format("%s,%d,%d,%d,%d,%.4f,%.0f", name, pages.memberCores().size(), cache, THREADS,
                    all.pages(), all.share(), THREADS * (double) OPS / seconds);
        }
    }

    private static PageAccounting.LocalityCount work(PageAllocatorClient client, ClusterId home, long owner) {
        PageAccounting.LocalityCount count = new PageAccounting.LocalityCount();
        PageRun[] held = new PageRun[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            held[i] = client.allocate(0, owner);
            count.record(held[i], home);
        }
        for (int op = 0; op < OPS; op++) {
            int i = op % WINDOW;
            client.free(held[i], owner);
            held[i] = client.allocate(0, owner);
            count.record(held[i], home);
        }
        client.releaseOwner(owner);
        client.flushCache();
        return count;
    }
}
