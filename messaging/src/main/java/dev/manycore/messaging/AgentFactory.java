package dev.manycore.messaging;

/**
 * Creates an agent for the context an engine prepared for it. Called once, on the thread that will
 * run the agent, before its first {@link Agent#doWork()}.
 */
@FunctionalInterface
public interface AgentFactory {

    /**
     * @param context the agent's address, core, clock and messaging
     * @return the agent, not null
     */
    Agent create(AgentContext context);
}
