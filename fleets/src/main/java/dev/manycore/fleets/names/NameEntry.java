package dev.manycore.fleets.names;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;

import java.util.List;
import java.util.Objects;

/**
 * One name of the table as every replica holds it.
 *
 * @param name     the name
 * @param owner    who registered it
 * @param flags    how it was registered
 * @param mappings its mailboxes in registration order (an immutable list, not empty)
 * @param version  its version, increasing with every change of the name (deletions included)
 */
public record NameEntry(Name name, String owner, NameFlags flags, List<Address> mappings, long version) {

    /** Copies the mappings. */
    public NameEntry {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(owner, "owner is null");
        Objects.requireNonNull(flags, "flags are null");
        mappings = List.copyOf(mappings);
    }
}
