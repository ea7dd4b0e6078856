package dev.manycore.messaging.internal.sim;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * How long a simulated core is busy handling one message, by payload type: a fixed time or a
 * function of the payload, registered per class or interface, with a default for every other type
 * (ARCHITECTURE.md, "service time per handled message from the cost model"). A payload's cost is the
 * one registered for the nearest type in its hierarchy: its class, then its superclasses, then its
 * interfaces, breadth first; the answer is cached per concrete class.
 *
 * <p>Not thread-safe: built before the simulation runs, then read by its host thread only.
 */
public final class ServiceTimes {

    private final long defaultNanos;
    private final Map<Class<?>, Cost> registered;
    private final HashMap<Class<?>, Cost> resolved = new HashMap<>();

    /** One resolved cost: {@code fixed} when {@code function} is null. */
    record Cost(long fixed, ToLongFunction<Object> function) {
        long of(Object payload) {
            if (function == null) {
                return fixed;
            }
            long n = function.applyAsLong(payload);
            if (n < 0) {
                throw new IllegalStateException("service time " + n + " ns for " + payload.getClass().getName()
                        + " is negative: a service time function returns 0 or more");
            }
            return n;
        }
    }

    /**
     * @param defaultNanos the service time of types with no registration, 0 or more
     * @param registered   fixed times or functions per type (a function is a {@code ToLongFunction<Object>}, a time a {@code Long})
     */
    public ServiceTimes(long defaultNanos, Map<Class<?>, Object> registered) {
        if (defaultNanos < 0) {
            throw new IllegalArgumentException("default service time " + defaultNanos + " ns is negative");
        }
        this.defaultNanos = defaultNanos;
        this.registered = new LinkedHashMap<>();
        registered.forEach((type, cost) -> this.registered.put(type, toCost(type, cost)));
    }

    @SuppressWarnings("unchecked")
    private static Cost toCost(Class<?> type, Object cost) {
        Objects.requireNonNull(cost, "service time of " + type.getName() + " is null");
        if (cost instanceof Long fixed) {
            return new Cost(fixed, null);
        }
        return new Cost(0, (ToLongFunction<Object>) cost);
    }

    /** @return the service time of unregistered types */
    public long defaultNanos() {
        return defaultNanos;
    }

    /**
     * @param type a payload class
     * @return its resolved cost, cached
     */
    Cost costOf(Class<?> type) {
        Cost c = resolved.get(type);
        if (c == null) {
            c = resolve(type);
            resolved.put(type, c);
        }
        return c;
    }

    private Cost resolve(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            Cost c = registered.get(t);
            if (c != null) {
                return c;
            }
        }
        ArrayDeque<Class<?>> pending = new ArrayDeque<>();
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            pending.addAll(java.util.List.of(t.getInterfaces()));
        }
        while (!pending.isEmpty()) {
            Class<?> i = pending.poll();
            Cost c = registered.get(i);
            if (c != null) {
                return c;
            }
            pending.addAll(java.util.List.of(i.getInterfaces()));
        }
        return new Cost(defaultNanos, null);
    }
}
