package org.userspacecni.agent;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

/** Runs {@link Main#run} in this JVM with the given arguments, capturing both output streams. */
final class InProcessAgent {

    record Outcome(int exitCode, String stdout, String stderr) {
    }

    private InProcessAgent() {
    }

    static Outcome agent(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(List.of(args), new AgentConsole(new PrintStream(out, true)), new PrintStream(err, true));
        return new Outcome(exit, out.toString(), err.toString());
    }
}
