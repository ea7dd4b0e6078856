package dev.manycore.messaging;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A client that drives a service with requests, as an {@link Agent} on a simulated core (issue 8,
 * workloads; the open and closed system models of Schroeder, Wierman and Harchol-Balter, "Open
 * versus closed: a cautionary tale", NSDI 2006):
 * <ul>
 *   <li><b>open loop</b>: requests arrive at a rate whatever the answers, at fixed intervals or as
 *       a Poisson process; a refused send (FULL, CLOSED) is counted and not retried;</li>
 *   <li><b>closed loop</b>: {@code users} users, each with one request outstanding; a user thinks
 *       for a fixed or exponentially distributed time after each answer (or refusal, or timeout)
 *       before it sends again.</li>
 * </ul>
 * It is generic over a {@link RequestFactory}, sends to an address or a name, and matches replies
 * by correlation id (the convention of the fleets' servers: a reply carries the request's id).
 * Requests unanswered after the timeout are counted as timed out, so a crashed server never stalls
 * the generator. It uses only its {@link AgentContext} and a random source seeded by its builder,
 * so it runs unchanged on both engines and repeats exactly in simulation.
 *
 * <pre>
 *   outstanding requests: a ring indexed by correlation id (ids are 1, 2, 3, ...), holding id,
 *   send time and user side by side in one long[] (one cache line per request); the oldest is at
 *   the head, so timeouts are found in send order; it starts at 16 slots and doubles up to 2^16
 *   while the span from the oldest outstanding id grows
 *   users (closed loop): when each may send next, and the earliest of these, so that a cycle in
 *   which no user is due looks at no user
 * </pre>
 *
 * <p>Confined to its agent's thread; its {@link LoadStats} is read between runs.
 */
public final class LoadGenerator implements Agent {

    /** The most requests outstanding at once (older ones are given up as timed out). */
    private static final int WINDOW = 1 << 16;
    private static final int INITIAL_RING = 16;
    private static final int RECEIVE_BATCH = 64;

    /** Longs per ring slot: id, send time, user. */
    private static final int STRIDE = 3;

    private final AgentContext ctx;
    // the builder's settings, copied so that a cycle reads them from this object's lines
    private final Address address;
    private final Name name;
    private final RequestFactory<?> requests;
    private final int users;
    private final long intervalNanos;
    private final long thinkNanos;
    private final boolean exponential;
    private final long timeoutNanos;
    private final long maxRequests;
    private final Predicate<Object> isFailure;
    private final LoadStats stats;
    private final SplittableRandom random;
    private final MessageHandler<Object> onReply = this::onReply;
    /** Outstanding requests: slot s at {@code STRIDE * s}: id (0 when free), send time, user (-1 in open loop). */
    private long[] ring = new long[STRIDE * INITIAL_RING];
    private int mask = INITIAL_RING - 1;
    private final long[] userReady;
    /** The least of {@link #userReady} (closed loop). */
    private long earliestReady;
    private long nextId = 1;
    private long head = 1;
    private long nextArrival;
    private long attempts;

    private LoadGenerator(AgentContext ctx, Builder<?> spec) {
        this.ctx = ctx;
        this.address = spec.address;
        this.name = spec.name;
        this.requests = spec.requests;
        this.users = spec.users;
        this.intervalNanos = spec.intervalNanos;
        this.thinkNanos = spec.thinkNanos;
        this.exponential = spec.exponential;
        this.timeoutNanos = spec.timeoutNanos;
        this.maxRequests = spec.maxRequests;
        this.isFailure = spec.isFailure;
        this.stats = spec.stats;
        this.random = new SplittableRandom(spec.seed);
        this.userReady = new long[spec.users];
        long start = ctx.now() + spec.startDelay;
        java.util.Arrays.fill(userReady, start);
        this.earliestReady = spec.users > 0 ? start : Long.MAX_VALUE;
        this.nextArrival = start;
    }

    /**
     * @param to       the service's address
     * @param requests makes each request
     * @return a builder (open loop at 1 request per microsecond unless set)
     */
    public static <R> Builder<R> to(Address to, RequestFactory<R> requests) {
        return new Builder<>(Objects.requireNonNull(to, "target address is null"), null, requests);
    }

    /**
     * @param to       the service's name, resolved through the core's name cache at every send
     * @param requests makes each request
     * @return a builder (open loop at 1 request per microsecond unless set)
     */
    public static <R> Builder<R> to(Name to, RequestFactory<R> requests) {
        return new Builder<>(null, Objects.requireNonNull(to, "target name is null"), requests);
    }

    @Override
    public int doWork() {
        int work = ctx.receive(onReply, RECEIVE_BATCH);
        long now = ctx.now();
        work += expire(now);
        if (users == 0) {
            work += issueOpenLoop();
        } else {
            work += issueClosedLoop();
        }
        long wake = nextWake();
        if (wake != Long.MAX_VALUE) {
            ctx.wakeAt(wake);
        }
        return work;
    }

    private int issueOpenLoop() {
        int n = 0;
        while (nextArrival <= ctx.now() && attempts < maxRequests && n < RECEIVE_BATCH) {
            send(-1);
            n++;
            nextArrival += exponential ? Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * intervalNanos))
                    : intervalNanos;
        }
        return n;
    }

    private int issueClosedLoop() {
        if (earliestReady > ctx.now()) {
            // no user is due, and none can become due in this loop: only a send advances the clock
            return 0;
        }
        long[] ready = userReady;
        int n = 0;
        for (int u = 0; u < ready.length && attempts < maxRequests; u++) {
            if (ready[u] <= ctx.now()) {
                ready[u] = Long.MAX_VALUE;
                if (!send(u)) {
                    ready[u] = ctx.now() + think();
                }
                n++;
            }
        }
        long earliest = Long.MAX_VALUE;
        for (long r : ready) {
            earliest = Math.min(earliest, r);
        }
        earliestReady = earliest;
        return n;
    }

    private long think() {
        if (!exponential) {
            return Math.max(1, thinkNanos);
        }
        return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * thinkNanos));
    }

    /** @return true when the request was accepted */
    private boolean send(int user) {
        long id = nextId;
        Object request = Objects.requireNonNull(requests.next(id, random), "request factory returned null");
        attempts++;
        long sentAt = ctx.now();
        SendStatus status;
        try {
            status = address != null ? ctx.send(address, request, id) : ctx.send(name, request, id);
        } catch (NameNotBoundException e) {
            stats.unboundName++;
            return false;
        }
        switch (status) {
            case DELIVERED -> {
                if (nextId - head > mask) {
                    if (mask + 1 < WINDOW) {
                        growRing();
                    } else {
                        giveUp(head);
                        head++;
                    }
                }
                int r = STRIDE * (int) (id & mask);
                long[] w = ring;
                w[r] = id;
                w[r + 1] = sentAt;
                w[r + 2] = user;
                nextId++;
                stats.issued++;
                return true;
            }
            case FULL -> stats.refusedFull++;
            default -> stats.refusedClosed++;
        }
        return false;
    }

    private void growRing() {
        int n = (mask + 1) * 2;
        long[] grown = new long[STRIDE * n];
        for (long id = head; id < nextId; id++) {
            System.arraycopy(ring, STRIDE * (int) (id & mask), grown, STRIDE * (int) (id & (n - 1)), STRIDE);
        }
        ring = grown;
        mask = n - 1;
    }

    private void onReply(Envelope<Object> reply) {
        long id = reply.correlationId();
        int slot = STRIDE * (int) (id & mask);
        long[] w = ring;
        if (id < head || id >= nextId || w[slot] != id) {
            stats.lateReplies++;
            return;
        }
        w[slot] = 0;
        stats.recordLatency(ctx.now() - w[slot + 1]);
        if (isFailure.test(reply.payload())) {
            stats.failed++;
        } else {
            stats.completed++;
        }
        release(slot);
    }

    private int expire(long now) {
        int n = 0;
        while (head < nextId) {
            int slot = STRIDE * (int) (head & mask);
            if (ring[slot] == head) {
                if (ring[slot + 1] + timeoutNanos > now) {
                    break;
                }
                giveUp(head);
                n++;
            }
            head++;
        }
        return n;
    }

    private void giveUp(long id) {
        int slot = STRIDE * (int) (id & mask);
        if (ring[slot] == id) {
            ring[slot] = 0;
            stats.timedOut++;
            release(slot);
        }
    }

    /** @param slot a request's first long in the ring */
    private void release(int slot) {
        int user = (int) ring[slot + 2];
        if (user >= 0) {
            long ready = ctx.now() + think();
            userReady[user] = ready;
            earliestReady = Math.min(earliestReady, ready);
        }
    }

    private long nextWake() {
        long wake = Long.MAX_VALUE;
        if (attempts < maxRequests) {
            wake = users == 0 ? nextArrival : earliestReady;
        }
        while (head < nextId && ring[STRIDE * (int) (head & mask)] != head) {
            head++;
        }
        if (head < nextId) {
            long deadline = ring[STRIDE * (int) (head & mask) + 1] + timeoutNanos;
            wake = Math.min(wake, deadline < 0 ? Long.MAX_VALUE : deadline);
        }
        return wake;
    }

    @Override
    public String roleName() {
        return users == 0 ? "open-loop-generator" : "closed-loop-generator";
    }

    /**
     * Configures a generator. Not thread-safe.
     *
     * @param <R> the request type
     */
    public static final class Builder<R> {
        private final Address address;
        private final Name name;
        private final RequestFactory<R> requests;
        private int users;
        private long intervalNanos = 1_000;
        private long thinkNanos;
        private boolean exponential;
        private long timeoutNanos = 1_000_000;
        private long maxRequests = Long.MAX_VALUE;
        private long startDelay;
        private long seed;
        private Predicate<Object> isFailure = p -> false;
        private LoadStats stats = new LoadStats();

        private Builder(Address address, Name name, RequestFactory<R> requests) {
            this.address = address;
            this.name = name;
            this.requests = Objects.requireNonNull(requests, "request factory is null");
        }

        /**
         * Open loop: requests at a rate, whatever the answers.
         *
         * @param requestsPerSecond of virtual (or host) time, more than 0 and at most 10^9
         * @param poisson           exponential inter-arrival times (a Poisson process) instead of fixed ones
         * @return this builder
         */
        public Builder<R> openLoop(double requestsPerSecond, boolean poisson) {
            if (!(requestsPerSecond > 0 && requestsPerSecond <= 1e9)) {
                throw new IllegalArgumentException("rate " + requestsPerSecond
                        + " requests/s is out of range: more than 0 and at most 10^9");
            }
            this.users = 0;
            this.intervalNanos = Math.max(1, Math.round(1e9 / requestsPerSecond));
            this.exponential = poisson;
            return this;
        }

        /**
         * Closed loop: {@code users} users, each with one outstanding request, thinking between them.
         *
         * @param users       1 to 65536
         * @param thinkNanos  think time after each outcome, 0 or more (1 ns at least is waited)
         * @param exponential exponentially distributed think times with that mean, instead of fixed
         * @return this builder
         */
        public Builder<R> closedLoop(int users, long thinkNanos, boolean exponential) {
            if (users < 1 || users > WINDOW) {
                throw new IllegalArgumentException("users " + users + " is out of range: 1 to " + WINDOW);
            }
            if (thinkNanos < 0) {
                throw new IllegalArgumentException("think time " + thinkNanos + " ns is negative");
            }
            this.users = users;
            this.thinkNanos = thinkNanos;
            this.exponential = exponential;
            return this;
        }

        /**
         * @param nanos how long a request may stay unanswered before it counts as timed out, 1 or more
         * @return this builder
         */
        public Builder<R> timeoutNanos(long nanos) {
            if (nanos < 1) {
                throw new IllegalArgumentException("timeout " + nanos + " ns is not positive");
            }
            this.timeoutNanos = nanos;
            return this;
        }

        /**
         * @param max the most requests to attempt (accepted or refused), 0 or more
         * @return this builder
         */
        public Builder<R> maxRequests(long max) {
            if (max < 0) {
                throw new IllegalArgumentException("max requests " + max + " is negative");
            }
            this.maxRequests = max;
            return this;
        }

        /**
         * @param nanos wait this long after the agent starts before the first request, 0 or more
         * @return this builder
         */
        public Builder<R> startDelayNanos(long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException("start delay " + nanos + " ns is negative");
            }
            this.startDelay = nanos;
            return this;
        }

        /**
         * @param seed seeds the generator's random source (in simulation, take it from
         *             {@link SimulatedEngine#seedFor(Address)} or derive it from the engine's seed)
         * @return this builder
         */
        public Builder<R> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param isFailure tells a failure reply (an error) from a successful one
         * @return this builder
         */
        public Builder<R> failureReplies(Predicate<Object> isFailure) {
            this.isFailure = Objects.requireNonNull(isFailure, "failure predicate is null");
            return this;
        }

        /**
         * @param stats where the generator records what it observed
         * @return this builder
         */
        public Builder<R> stats(LoadStats stats) {
            this.stats = Objects.requireNonNull(stats, "stats is null");
            return this;
        }

        /** @return the statistics the generator will write */
        public LoadStats stats() {
            return stats;
        }

        /** @return a factory for {@link Engine#spawn}; each agent it creates shares this builder's stats */
        public AgentFactory build() {
            Builder<R> copy = new Builder<>(address, name, requests);
            copy.users = users;
            copy.intervalNanos = intervalNanos;
            copy.thinkNanos = thinkNanos;
            copy.exponential = exponential;
            copy.timeoutNanos = timeoutNanos;
            copy.maxRequests = maxRequests;
            copy.startDelay = startDelay;
            copy.seed = seed;
            copy.isFailure = isFailure;
            copy.stats = stats;
            return ctx -> new LoadGenerator(ctx, copy);
        }
    }
}
