package dev.manycore.fleets.names;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;

import java.util.List;

/**
 * An immutable copy of one replica's table, in a canonical order, so two replicas are identical
 * exactly when their images are equal. Also the state a joining member starts from.
 *
 * @param entries   the names, sorted
 * @param claims    the claimed namespaces, sorted by prefix
 * @param versions  the last version of every name ever changed (deleted ones included), sorted
 * @param redirects old address to new address of every moved mapping, sorted by old address
 */
public record NameTableImage(List<NameEntry> entries, List<Claim> claims, List<Version> versions,
                             List<Redirect> redirects) {

    /** Copies the lists. */
    public NameTableImage {
        entries = List.copyOf(entries);
        claims = List.copyOf(claims);
        versions = List.copyOf(versions);
        redirects = List.copyOf(redirects);
    }

    /**
     * A claimed namespace.
     *
     * @param prefix the namespace
     * @param owner  its owner
     */
    public record Claim(Name prefix, String owner) {
    }

    /**
     * The last version of a name.
     *
     * @param name    the name
     * @param version its last version
     */
    public record Version(Name name, long version) {
    }

    /**
     * A moved mapping.
     *
     * @param from the old address
     * @param to   where it moved
     */
    public record Redirect(Address from, Address to) {
    }
}
