package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.internal.names.NameRequests.Claim;
import dev.manycore.fleets.internal.names.NameRequests.Delete;
import dev.manycore.fleets.internal.names.NameRequests.Move;
import dev.manycore.fleets.internal.names.NameRequests.NameUpdate;
import dev.manycore.fleets.internal.names.NameRequests.Register;
import dev.manycore.fleets.internal.names.NameRequests.Unregister;
import dev.manycore.fleets.names.LookupPolicy;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.names.NameTakenException;
import dev.manycore.fleets.names.NamespaceOwnedException;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.CoreId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replica's table alone: validation, application, versions, images, and the lock rule of two-phase commit. */
class NameTableTest {

    static Address box(int n) {
        return new Address(new CoreId(n % 8), 1000 + n);
    }

    static void commit(NameTable t, NameUpdate u) {
        t.check(u);
        t.apply(u);
    }

    @Test
    void checkChangesNothingAndApplyFollowsIt() {
        NameTable t = NameTable.boot();
        Register r = new Register(Name.of("/a/b"), box(1), "x", NameFlags.single());
        t.check(r);
        assertEquals(null, t.get(Name.of("/a/b")));
        assertEquals(1, t.apply(r));
        assertEquals(List.of(box(1)), t.get(Name.of("/a/b")).mappings());
        assertThrows(NameTakenException.class, () -> t.check(r));
    }

    @Test
    void versionsGrowAcrossDeleteAndRegister() {
        NameTable t = NameTable.boot();
        Name n = Name.of("/v");
        commit(t, new Register(n, box(1), "x", NameFlags.single()));
        commit(t, new Move(n, box(1), box(2), "x"));
        commit(t, new Delete(n, "x"));
        assertEquals(3, t.lastVersion(n));
        commit(t, new Register(n, box(3), "x", NameFlags.single()));
        assertEquals(4, t.get(n).version());
        assertEquals(box(2), t.redirect(box(1)));
    }

    @Test
    void errorsNameTheNameAndTheRule() {
        NameTable t = NameTable.boot();
        NameNotFoundException nf = assertThrows(NameNotFoundException.class, () -> t.check(new Delete(Name.of("/none"), "x")));
        assertTrue(nf.getMessage().contains("/none"));
        commit(t, new Claim(Name.of("/mine"), "me"));
        NamespaceOwnedException owned = assertThrows(NamespaceOwnedException.class,
                () -> t.check(new Register(Name.of("/mine/x"), box(1), "you", NameFlags.single())));
        assertTrue(owned.getMessage().contains("/mine/x") && owned.getMessage().contains("'me'"), owned.getMessage());
        commit(t, new Register(Name.of("/set"), box(1), "x", NameFlags.serviceSet(LookupPolicy.NEAREST)));
        assertThrows(NameNotFoundException.class, () -> t.check(new Unregister(Name.of("/set"), box(9), "x")));
        assertThrows(NamespaceOwnedException.class, () -> t.check(new Unregister(Name.of("/set"), box(1), "y")));
        assertThrows(NameTakenException.class, () -> t.check(new Move(Name.of("/set"), box(1), box(1), "x")));
    }

    @Test
    void imageRoundTripsAndEqualTablesHaveEqualImages() {
        NameTable t = NameTable.boot();
        commit(t, new Claim(Name.of("/c"), "o"));
        commit(t, new Register(Name.of("/c/a"), box(1), "o", NameFlags.serviceSet(LookupPolicy.ROUND_ROBIN)));
        commit(t, new Register(Name.of("/c/a"), box(2), "o", NameFlags.serviceSet(LookupPolicy.ROUND_ROBIN)));
        commit(t, new Move(Name.of("/c/a"), box(2), box(3), "o"));
        NameTable copy = NameTable.of(t.image());
        assertEquals(t.image(), copy.image());
        commit(copy, new Delete(Name.of("/c/a"), "o"));
        assertFalse(t.image().equals(copy.image()));
    }

    @Test
    void locksConflictOnTheSameNameAndOnNamespacesAround() {
        NameUpdate a = new Register(Name.of("/x/a"), box(1), "o", NameFlags.single());
        NameUpdate sameName = new Delete(Name.of("/x/a"), "o");
        NameUpdate otherName = new Delete(Name.of("/x/b"), "o");
        NameUpdate claimAbove = new Claim(Name.of("/x"), "o");
        NameUpdate claimBeside = new Claim(Name.of("/y"), "o");
        NameUpdate claimBelow = new Claim(Name.of("/x/a/deep"), "o");
        assertTrue(NameReplica.conflicts(a, sameName));
        assertFalse(NameReplica.conflicts(a, otherName));
        assertTrue(NameReplica.conflicts(a, claimAbove));
        assertTrue(NameReplica.conflicts(claimAbove, a));
        assertFalse(NameReplica.conflicts(a, claimBeside));
        assertTrue(NameReplica.conflicts(claimAbove, claimBelow));
        assertFalse(NameReplica.conflicts(claimBeside, claimBelow));
    }
}
