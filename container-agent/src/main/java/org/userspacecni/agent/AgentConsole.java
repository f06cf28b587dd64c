package org.userspacecni.agent;

import java.io.PrintStream;
import java.io.PrintWriter;

/** The agent's stdout, for answers a user or a script reads; the one place in the agent that writes there. */
final class AgentConsole {

    private final PrintStream stdout;

    AgentConsole(PrintStream stdout) {
        this.stdout = stdout;
    }

    static AgentConsole system() {
        return new AgentConsole(System.out);
    }

    /** The same stdout for picocli's help and version text. */
    PrintWriter writer() {
        return new PrintWriter(stdout, true);
    }

    void println(String line) {
        stdout.println(line);
        stdout.flush();
    }
}
