package dev.manycore.fleets.internal;

import dev.manycore.fleets.LoadReport;
import dev.manycore.fleets.MembershipView;
import dev.manycore.messaging.Address;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * What the members of one fleet publish for the world outside it (the {@code Fleet} handle,
 * client stubs choosing the nearest member, joiners looking for the coordinator): the newest view
 * installed by any member, and each member's last load report. Members write, anyone reads.
 *
 * <p>Thread-safety: lock-free. The view only moves forward: {@link #publish} replaces it with a
 * CAS loop that keeps the higher epoch (linearisation point: the successful CAS). Waiters are
 * completed by the publishing thread.
 */
public final class FleetState {

    private final String name;
    private final AtomicReference<MembershipView> view;
    private final Map<Address, LoadReport> loads = new ConcurrentHashMap<>();
    private final Map<Address, ServerControl> controls = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    /** How many recent epochs {@link #installed} remembers, so it stays bounded. */
    private static final long REMEMBERED_EPOCHS = 1024;
    /** Every view installed by a member in the last epochs, by epoch (the first one seen for each). */
    private final Map<Long, MembershipView> installed = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<MembershipView> conflicting = new ConcurrentLinkedQueue<>();
    private volatile MembershipView initial;

    /**
     * @param name the fleet's name
     */
    public FleetState(String name) {
        this.name = name;
        this.view = new AtomicReference<>(new MembershipView(name, 0, java.util.List.of()));
    }

    /** @return the fleet's name */
    public String name() {
        return name;
    }

    /** @return the newest view published */
    public MembershipView view() {
        return view.get();
    }

    /** @return the first view, set once all first members are spawned; null before */
    public MembershipView initial() {
        return initial;
    }

    /**
     * @param first the first view
     */
    public void setInitial(MembershipView first) {
        this.initial = first;
        publish(first);
    }

    /**
     * Records {@code next} among the installed views (a different view of an installed epoch is a
     * conflict), keeps it if its epoch is higher than the current view's, and completes the
     * waiters it satisfies.
     *
     * @param next a view a member installed
     */
    public void publish(MembershipView next) {
        MembershipView first = installed.putIfAbsent(next.epoch(), next);
        if (first != null && !first.equals(next)) {
            conflicting.add(next);
        }
        installed.remove(next.epoch() - REMEMBERED_EPOCHS); // a lagging member is never this far behind
        MembershipView current;
        do {
            current = view.get();
            if (current.epoch() >= next.epoch()) {
                return;
            }
        } while (!view.compareAndSet(current, next));
        for (Waiter w : waiters) {
            // a waiter whose future its caller completed or cancelled goes too
            if (w.future.isDone() || w.condition.test(next) && w.future.complete(next)) {
                waiters.remove(w);
            }
        }
    }

    /**
     * @param condition what the view must satisfy
     * @return completes with the first published view that satisfies it (maybe the current one)
     */
    public CompletableFuture<MembershipView> when(Predicate<MembershipView> condition) {
        Waiter w = new Waiter(condition, new CompletableFuture<>());
        waiters.add(w);
        MembershipView now = view.get();
        if (condition.test(now) && w.future.complete(now)) {
            waiters.remove(w);
        }
        return w.future;
    }

    /**
     * @return views that members installed with an epoch another installed view already had; empty
     *         while the membership protocol keeps epochs unique (checked by the tests)
     */
    public java.util.List<MembershipView> conflictingViews() {
        return java.util.List.copyOf(conflicting);
    }

    /** @return the members' last load reports */
    public Map<Address, LoadReport> loads() {
        return loads;
    }

    /** @return the controls of every member ever spawned, by address */
    public Map<Address, ServerControl> controls() {
        return controls;
    }

    private record Waiter(Predicate<MembershipView> condition, CompletableFuture<MembershipView> future) {
    }
}
