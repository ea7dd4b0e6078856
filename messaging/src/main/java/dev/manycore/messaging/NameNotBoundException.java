package dev.manycore.messaging;

/** A name that the {@link NameResolver} does not map to any mailbox. */
public final class NameNotBoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Name name;

    /**
     * @param name the name that is not bound
     */
    public NameNotBoundException(Name name) {
        super("name " + name + " is not bound to any mailbox: register it with the name service first");
        this.name = name;
    }

    /** @return the name that is not bound */
    public Name name() {
        return name;
    }
}
