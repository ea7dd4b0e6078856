package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.internal.names.NameRequests.Claim;
import dev.manycore.fleets.internal.names.NameRequests.Delete;
import dev.manycore.fleets.internal.names.NameRequests.Move;
import dev.manycore.fleets.internal.names.NameRequests.NameUpdate;
import dev.manycore.fleets.internal.names.NameRequests.Register;
import dev.manycore.fleets.internal.names.NameRequests.Unregister;
import dev.manycore.fleets.names.NameEntry;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.names.NameServiceException;
import dev.manycore.fleets.names.NameTableImage;
import dev.manycore.fleets.names.NameTakenException;
import dev.manycore.fleets.names.NamespaceOwnedException;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica of the name table (fos paper 3.4, fos report 4.7.1): names to mailboxes, claimed
 * namespaces, per-name versions that survive deletion (so cache invalidations stay ordered), and
 * the redirects of moved mailboxes. Deterministic: the same updates in any order that respects
 * per-name order give the same table, which is what two-phase commit relies on (updates of one
 * name are serialised by its lock; updates of different names commute).
 *
 * <p>{@link #check} validates an update without changing anything; {@link #apply} applies an
 * update that passed it. Not thread-safe: confined to its member's thread.
 */
final class NameTable {

    /** The owner of the namespaces claimed at boot. */
    static final String SYSTEM_OWNER = "sys";
    /** The namespace claimed at boot. */
    static final Name SYSTEM = Name.of("/sys");

    private final TreeMap<Name, NameEntry> entries = new TreeMap<>();
    private final TreeMap<Name, String> claims = new TreeMap<>();
    private final TreeMap<Name, Long> versions = new TreeMap<>();
    private final TreeMap<Address, Address> redirects = new TreeMap<>();

    /** @return a table as every member starts it: {@code /sys} claimed by the system */
    static NameTable boot() {
        NameTable t = new NameTable();
        t.claims.put(SYSTEM, SYSTEM_OWNER);
        return t;
    }

    static NameTable of(NameTableImage image) {
        NameTable t = new NameTable();
        for (NameEntry e : image.entries()) {
            t.entries.put(e.name(), e);
        }
        for (NameTableImage.Claim c : image.claims()) {
            t.claims.put(c.prefix(), c.owner());
        }
        for (NameTableImage.Version v : image.versions()) {
            t.versions.put(v.name(), v.version());
        }
        for (NameTableImage.Redirect r : image.redirects()) {
            t.redirects.put(r.from(), r.to());
        }
        return t;
    }

    NameTableImage image() {
        List<NameTableImage.Claim> c = new ArrayList<>();
        claims.forEach((k, v) -> c.add(new NameTableImage.Claim(k, v)));
        List<NameTableImage.Version> v = new ArrayList<>();
        versions.forEach((k, x) -> v.add(new NameTableImage.Version(k, x)));
        List<NameTableImage.Redirect> r = new ArrayList<>();
        redirects.forEach((k, x) -> r.add(new NameTableImage.Redirect(k, x)));
        return new NameTableImage(new ArrayList<>(entries.values()), c, v, r);
    }

    NameEntry get(Name name) {
        return entries.get(name);
    }

    Address redirect(Address from) {
        Address to = from;
        for (int i = 0; i <= redirects.size(); i++) {
            Address next = redirects.get(to);
            if (next == null) {
                return to;
            }
            to = next;
        }
        return to;
    }

    /**
     * @param update an update
     * @throws NameServiceException (not found, taken, owned by another) if it may not be applied
     */
    void check(NameUpdate update) {
        if (update.name().depth() == 0) {
            throw new NamespaceOwnedException(update.name(), "the root / belongs to the system: register below it");
        }
        switch (update) {
            case Register r -> {
                checkNamespace(r.name(), r.owner());
                NameEntry e = entries.get(r.name());
                if (e != null) {
                    if (!e.flags().serviceSet() || !r.flags().serviceSet()) {
                        throw new NameTakenException(r.name(), "name " + r.name() + " is already registered by '"
                                + e.owner() + "' to " + e.mappings() + (e.flags().serviceSet()
                                ? ": register with service-set flags to join it" : ": it is not a service set"));
                    }
                    checkOwner(e, r.owner());
                    if (e.mappings().contains(r.address())) {
                        throw new NameTakenException(r.name(), "name " + r.name() + " already maps to " + r.address());
                    }
                }
            }
            case Claim c -> {
                for (Map.Entry<Name, String> claim : claims.entrySet()) {
                    boolean overlaps = claim.getKey().contains(c.name()) || c.name().contains(claim.getKey());
                    if (overlaps && !claim.getValue().equals(c.owner())) {
                        throw new NamespaceOwnedException(c.name(), "namespace " + c.name() + " overlaps namespace "
                                + claim.getKey() + " owned by '" + claim.getValue() + "', not '" + c.owner() + "'");
                    }
                }
                for (NameEntry e : entries.tailMap(c.name(), true).values()) {
                    if (!c.name().contains(e.name())) {
                        break;
                    }
                    if (!e.owner().equals(c.owner())) {
                        throw new NamespaceOwnedException(c.name(), "namespace " + c.name() + " holds name " + e.name()
                                + " registered by '" + e.owner() + "', not '" + c.owner() + "'");
                    }
                }
            }
            case Delete d -> checkOwner(existing(d.name()), d.owner());
            case Unregister u -> {
                NameEntry e = existing(u.name());
                checkOwner(e, u.owner());
                if (!e.mappings().contains(u.address())) {
                    throw new NameNotFoundException(u.name(), "name " + u.name() + " has no mapping to " + u.address()
                            + " (it maps to " + e.mappings() + ")");
                }
            }
            case Move m -> {
                NameEntry e = existing(m.name());
                checkOwner(e, m.owner());
                if (!e.mappings().contains(m.from())) {
                    throw new NameNotFoundException(m.name(), "name " + m.name() + " has no mapping to " + m.from()
                            + " to move (it maps to " + e.mappings() + ")");
                }
                if (e.mappings().contains(m.to())) {
                    throw new NameTakenException(m.name(), "name " + m.name() + " already maps to " + m.to());
                }
            }
        }
    }

    private NameEntry existing(Name name) {
        NameEntry e = entries.get(name);
        if (e == null) {
            throw new NameNotFoundException(name, "name " + name + " is not registered");
        }
        return e;
    }

    private static void checkOwner(NameEntry e, String owner) {
        if (!e.owner().equals(owner)) {
            throw new NamespaceOwnedException(e.name(), "name " + e.name() + " is owned by '" + e.owner()
                    + "', not '" + owner + "'");
        }
    }

    private void checkNamespace(Name name, String owner) {
        for (Name p = name; ; p = p.parent()) {
            String claimant = claims.get(p);
            if (claimant != null && !claimant.equals(owner)) {
                throw new NamespaceOwnedException(name, "name " + name + " lies in namespace " + p + " owned by '"
                        + claimant + "', not '" + owner + "'");
            }
            if (p.depth() == 0) {
                return;
            }
        }
    }

    /**
     * Applies an update that passed {@link #check}.
     *
     * @return the name's new version (0 for a claim)
     */
    long apply(NameUpdate update) {
        switch (update) {
            case Register r -> {
                NameEntry e = entries.get(r.name());
                List<Address> mappings = new ArrayList<>(e == null ? List.of() : e.mappings());
                mappings.add(r.address());
                NameFlags flags = e == null ? r.flags() : e.flags();
                return put(r.name(), r.owner(), flags, mappings);
            }
            case Claim c -> {
                claims.put(c.name(), c.owner());
                return 0;
            }
            case Delete d -> {
                entries.remove(d.name());
                return bump(d.name());
            }
            case Unregister u -> {
                NameEntry e = entries.get(u.name());
                List<Address> mappings = new ArrayList<>(e.mappings());
                mappings.remove(u.address());
                if (mappings.isEmpty()) {
                    entries.remove(u.name());
                    return bump(u.name());
                }
                return put(u.name(), e.owner(), e.flags(), mappings);
            }
            case Move m -> {
                NameEntry e = entries.get(m.name());
                List<Address> mappings = new ArrayList<>(e.mappings());
                mappings.set(mappings.indexOf(m.from()), m.to());
                redirects.put(m.from(), m.to());
                return put(m.name(), e.owner(), e.flags(), mappings);
            }
        }
    }

    /**
     * Sets a system name to exactly these mappings (the name service's own members), or removes it.
     * Its version is the epoch of the view that set it, not a local count of the views this replica
     * happened to install: a replica that skipped a view (its NewView was lost with a crashed
     * coordinator) still ends with the same version as the others.
     *
     * @param epoch the epoch of the view the mappings come from
     * @return the new version
     */
    long setSystemName(Name name, NameFlags flags, List<Address> mappings, long epoch) {
        long v = Math.max(versions.getOrDefault(name, 0L), epoch);
        versions.put(name, v);
        if (mappings.isEmpty()) {
            entries.remove(name);
        } else {
            entries.put(name, new NameEntry(name, SYSTEM_OWNER, flags, mappings, v));
        }
        return v;
    }

    private long put(Name name, String owner, NameFlags flags, List<Address> mappings) {
        long v = bump(name);
        entries.put(name, new NameEntry(name, owner, flags, mappings, v));
        return v;
    }

    private long bump(Name name) {
        return versions.merge(name, 1L, Long::sum);
    }

    /** @return the name's last version: that of its entry, or of its deletion; 0 if it never existed */
    long lastVersion(Name name) {
        return versions.getOrDefault(name, 0L);
    }

    int size() {
        return entries.size();
    }
}
