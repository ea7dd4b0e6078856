package dev.manycore.messaging.internal;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Mailbox;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's table of live mailboxes, the kernel's authority to grant send rights on a sender's
 * first send to an address (fos: the microkernel checks capabilities; here it issues them for
 * mailboxes its agents own). Consulted only on a route miss, never on the steady send path.
 *
 * <p>Thread-safe.
 */
public final class Directory {

    private final ConcurrentHashMap<Address, Mailbox<Object>> mailboxes = new ConcurrentHashMap<>();

    /** Creates an empty directory. */
    public Directory() {
    }

    /** @param mailbox a new live mailbox */
    public void add(Mailbox<Object> mailbox) {
        mailboxes.put(mailbox.address(), mailbox);
    }

    /** @param address a mailbox that closed */
    public void remove(Address address) {
        mailboxes.remove(address);
    }

    /**
     * @param address an address
     * @return its live mailbox, or null
     */
    public Mailbox<Object> lookup(Address address) {
        return mailboxes.get(address);
    }
}
