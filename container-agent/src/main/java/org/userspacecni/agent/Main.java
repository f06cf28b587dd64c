package org.userspacecni.agent;

import java.io.PrintStream;
import java.util.List;
import org.userspacecni.spi.CniException;

/** The entry point of {@code usrsp-agent}: {@code engines} lists the datapath engines the agent can drive. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), AgentConsole.system(), System.err));
    }

    static int run(List<String> args, AgentConsole out, PrintStream stderr) {
        String command = args.isEmpty() ? "help" : args.get(0);
        try {
            switch (command) {
                case "engines":
                    DaggerAgentComponent.create().backends().engines().forEach(out::println);
                    return 0;
                case "help":
                    out.println("usage: usrsp-agent engines");
                    return 0;
                default:
                    stderr.println("usrsp-agent: unknown command '" + command + "' (try: usrsp-agent help)");
                    return 2;
            }
        } catch (CniException e) {
            stderr.println("usrsp-agent: " + e.getMessage());
            return 1;
        }
    }
}
