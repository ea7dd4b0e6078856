package dev.manycore.messaging;

import java.util.Optional;

/**
 * Resolves a name to a mailbox on a {@link NameCache} miss. The name service fleet implements it
 * (fos paper 3.4, fos report 4.7.1: the canonical directory is held by the name server fleet; each
 * microkernel keeps a cache). A resolver that returns a binding to a requester must later send
 * that requester's address a {@link NameInvalidation} when the name is deleted or moved.
 *
 * <p>Called on the requesting agent's thread during a send: an implementation must answer
 * promptly (from a local replica, or a bounded call) and be thread-safe.
 */
@FunctionalInterface
public interface NameResolver {

    /** A resolver that knows no name. */
    NameResolver NONE = (name, requester) -> Optional.empty();

    /**
     * @param name      the name to resolve
     * @param requester the address of the agent whose send missed the cache (the target of later invalidations)
     * @return the current binding, or empty if the name is not bound
     */
    Optional<NameBinding> resolve(Name name, Address requester);
}
