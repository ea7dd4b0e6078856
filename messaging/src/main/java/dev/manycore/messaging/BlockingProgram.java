package dev.manycore.messaging;

/**
 * A user program written with ordinary blocking calls (call a service and wait for its answer,
 * receive, compute), the libfos style of fos report 4.3, that the {@link SimulatedEngine} runs in
 * virtual time ({@link SimulatedEngine#spawnProgram}). See {@link ProgramContext} for the rules.
 */
@FunctionalInterface
public interface BlockingProgram {

    /**
     * The program's body. It may block only through its context; when it returns (or throws), the
     * program has exited.
     *
     * @param context the program's system calls
     * @throws Exception any failure, logged by the engine
     */
    void run(ProgramContext context) throws Exception;
}
