package dev.manycore.messaging;

import java.util.random.RandomGenerator;

/**
 * Makes the requests a {@link LoadGenerator} sends: a page allocation, a name lookup, a spawn, or
 * any immutable message of a service's protocol. Called on the generator's agent thread.
 *
 * @param <R> the request type
 */
@FunctionalInterface
public interface RequestFactory<R> {

    /**
     * @param sequence the request's number in this generator, from 1
     * @param random   the generator's seeded random source (use it, never a fresh one, so runs repeat)
     * @return the request, an immutable payload, not null
     */
    R next(long sequence, RandomGenerator random);
}
