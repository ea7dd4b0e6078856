package dev.manycore.kernel;

/**
 * A user program: the main function of a process (fos paper 3: applications run as peers of the
 * system servers and reach them through libfos). It runs on a virtual thread bound to the core the
 * DQDT chose; returning ends the process with exit code 0, throwing ends it with code 1, and
 * {@link Syscalls#exit} ends it with the given code.
 */
@FunctionalInterface
public interface Program {

    /**
     * @param ctx the process's context: its core, its syscalls, its threads
     * @throws Exception any failure, which ends the process with exit code 1
     */
    void main(ProcessContext ctx) throws Exception;
}
