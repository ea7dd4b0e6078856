package dev.manycore.fleets;

import dev.manycore.messaging.Address;

import java.util.Objects;

/**
 * Who sent a request and how to answer it: the caller's mailbox and the correlation id its reply
 * must carry. A handler that cannot answer at once keeps its {@code Caller} and answers later with
 * {@link ServerContext#reply(Caller, Object)} (fos paper 3.2: the server stores a continuation and
 * moves on). Immutable; a caller may travel inside a message (forwarding).
 *
 * @param address       the mailbox the reply goes to
 * @param correlationId the caller's id for this request; 0 means a one-way message that expects no reply
 */
public record Caller(Address address, long correlationId) {

    /** @throws NullPointerException if the address is null */
    public Caller {
        Objects.requireNonNull(address, "caller address is null: a reply needs a destination");
    }

    /** @return true when the sender waits for a reply (a non-zero correlation id) */
    public boolean expectsReply() {
        return correlationId != 0;
    }
}
