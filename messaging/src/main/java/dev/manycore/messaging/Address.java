package dev.manycore.messaging;

import dev.manycore.numa.CoreId;

import java.util.Objects;

/**
 * Where a mailbox lives: the simulated core of its owner and a mailbox number unique within one
 * engine (fos paper 3.1.1: "clients send messages by naming a particular destination client and
 * receive mailbox").
 *
 * <p>An address names a mailbox but grants nothing: sending needs a {@link SendRight}. Addresses
 * are immutable values, so they may travel inside payloads (a reply-to field, a name binding). A
 * mailbox that moves gets a new address; the old one answers {@link SendStatus#CLOSED}.
 *
 * @param core    the core of the mailbox's owner
 * @param mailbox the mailbox number, 0 or more, unique within one engine
 */
public record Address(CoreId core, int mailbox) implements Comparable<Address> {

    /**
     * @throws NullPointerException     if {@code core} is null
     * @throws IllegalArgumentException if {@code mailbox} is negative
     */
    public Address {
        Objects.requireNonNull(core, "core of an address is null: every mailbox lives on a core");
        if (mailbox < 0) {
            throw new IllegalArgumentException("mailbox number " + mailbox + " is negative: numbers start at 0");
        }
    }

    @Override
    public int compareTo(Address other) {
        int c = core.compareTo(other.core);
        return c != 0 ? c : Integer.compare(mailbox, other.mailbox);
    }

    @Override
    public String toString() {
        return core + "/mb" + mailbox;
    }
}
