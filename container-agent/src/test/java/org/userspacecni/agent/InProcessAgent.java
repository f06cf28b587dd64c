package org.userspacecni.agent;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Runs {@link Main#run} in this JVM with the given arguments, capturing both output streams. */
final class InProcessAgent {

    record Outcome(int exitCode, String stdout, String stderr) {
    }

    private InProcessAgent() {
    }

    static Outcome agent(String... args) {
        return agentOn(FilesystemRoot.SYSTEM.path(), args);
    }

    /** As {@link #agent}, the agent reading the kernel's files under {@code root} ({@link KernelFiles}). */
    static Outcome agentOn(Path root, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(List.of(args), new AgentConsole(new PrintStream(out, true)), new PrintStream(err, true),
                new FilesystemRoot(root));
        return new Outcome(exit, out.toString(), err.toString());
    }
}
