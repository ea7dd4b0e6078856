package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.Request;
import dev.manycore.fleets.names.LookupPolicy;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameTableImage;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;

import java.util.List;

/**
 * The client protocol of the name service (fos paper 3.4): typed request and response records.
 * Updates are coordinated by the member that receives them; reads are answered from its replica.
 */
public final class NameRequests {

    private NameRequests() {
    }

    /** An update of the table; answered with {@link Committed} once committed on every member. */
    public sealed interface NameUpdate extends Request<Committed> permits Register, Claim, Delete, Unregister, Move {
        /** @return the name the update concerns (the prefix of a claim) */
        Name name();

        /** @return who asks */
        String owner();
    }

    /** Registers a mailbox under a name. */
    public record Register(Name name, Address address, String owner, NameFlags flags) implements NameUpdate {
    }

    /** Claims a namespace for an owner. */
    public record Claim(Name name, String owner) implements NameUpdate {
    }

    /** Deletes a name and all its mappings. */
    public record Delete(Name name, String owner) implements NameUpdate {
    }

    /** Deletes one mapping of a name. */
    public record Unregister(Name name, Address address, String owner) implements NameUpdate {
    }

    /** Moves one mapping of a name to a new address (migration). */
    public record Move(Name name, Address from, Address to, String owner) implements NameUpdate {
    }

    /** An update committed; the name's new version (0 for a claim). */
    public record Committed(Name name, long version) {
    }

    /** Looks up one mailbox of a name by its policy; {@code key} matters for key affinity only. */
    public record Lookup(Name name, long key) implements Request<LookupResult> {
    }

    /** The mailbox a lookup chose. */
    public record LookupResult(Name name, Address address, long version, LookupPolicy policy) {
    }

    /** Looks up every mailbox of a name. */
    public record LookupAll(Name name) implements Request<Members> {
    }

    /** Every mailbox of a name, in registration order. */
    public record Members(Name name, List<Address> addresses, long version) {
    }

    /** Asks where a moved mailbox went. */
    public record FollowMove(Address from) implements Request<Moved> {
    }

    /** Where a mailbox moved to; {@code to} equals {@code from} if it never moved. */
    public record Moved(Address from, Address to) {
    }

    /** Asks a member for an image of its replica. */
    public record Dump() implements Request<NameTableImage> {
    }

    /** A load hint for {@link LookupPolicy#LEAST_LOADED}; one-way, not replicated by commit. */
    public record ReportLoad(Address address, long load) {
    }
}
