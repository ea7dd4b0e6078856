package dev.manycore.fleets.names;

/** Lets tests of other packages use the replica check of {@link NameServiceTest}. */
public final class NameServiceTestAccess {

    private NameServiceTestAccess() {
    }

    /**
     * @param service the service
     * @param client  a client to ask each member with
     * @return the common image
     */
    public static NameTableImage assertReplicasEqual(NameService service, NameServiceClient client) {
        return NameServiceTest.assertReplicasEqual(service, client);
    }
}
