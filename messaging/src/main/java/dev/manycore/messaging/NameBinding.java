package dev.manycore.messaging;

import java.util.Objects;

/**
 * What a name resolves to at one version of the name table: a mailbox address. A newer version
 * supersedes an older one (a move, a re-registration).
 *
 * @param name    the name
 * @param address the mailbox it maps to
 * @param version the version of the mapping, 0 or more, increasing with every change of the name
 */
public record NameBinding(Name name, Address address, long version) {

    /**
     * @throws NullPointerException     if the name or address is null
     * @throws IllegalArgumentException if the version is negative
     */
    public NameBinding {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(address, "address is null");
        if (version < 0) {
            throw new IllegalArgumentException("version " + version + " of " + name + " is negative: versions start at 0");
        }
    }
}
