package org.userspacecni.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.SpiVersion;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The entry point of {@code usrsp-agent}, the agent inside a data-plane container: {@code run} applies the
 * stored attachments to the container's datapath and follows the store ({@code --once}: apply, wait for the
 * links, exit 0 when all are up); {@code status} shows each attachment's link (exit 0 when all are up;
 * {@code --sockets}: whether its socket is there, for containers whose DPDK application is the datapath);
 * {@code eal-args} prints the DPDK arguments for an application that attaches itself (its cores, memory and
 * vdevs); {@code doctor} diagnoses hugepages, the cpuset and hugepage limit, directories, sockets and the
 * container's OVS; {@code engines} lists the engines on its class path with
 * the SPI version each was built for, and which it refuses. All read the attachments
 * from the same place: the config store's files, or the pod's annotations ({@link AttachmentSource}). picocli reads
 * the command line ({@link AgentCommandLine}): help and version on stdout, bad usage exit 2 with the usage on stderr.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), AgentConsole.system(), System.err));
    }

    static int run(List<String> args, AgentConsole out, PrintStream stderr) {
        return run(args, out, stderr, FilesystemRoot.SYSTEM);
    }

    /** As {@link #run(List, AgentConsole, PrintStream)}, reading the kernel's files under {@code root}. */
    static int run(List<String> args, AgentConsole out, PrintStream stderr, FilesystemRoot root) {
        PrintWriter err = new PrintWriter(stderr, true);
        CommandLine commandLine = AgentCommandLine.of(out.writer(), err);
        commandLine.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            if (!parsed.hasSubcommand()) {
                commandLine.usage(out.writer());
                return 0;
            }
            AgentOptions options = AgentOptions.of(parsed);
            CniLog log = new CniLog("usrsp-agent", stderr);
            log.configure(options.logLevel(), Optional.empty());
            AgentComponent agent = DaggerAgentComponent.factory().create(options, log, ProviderLoader.of(Main.class),
                    root);
            try {
                EngineOptions.asVariables(options.engineOptions(), agent.backends());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(parsed.subcommand().commandSpec().commandLine(), e.getMessage(), e);
            }
            return run(options, agent, out, stderr);
        });
        return commandLine.execute(args.toArray(String[]::new));
    }

    private static int run(AgentOptions options, AgentComponent agent, AgentConsole out, PrintStream stderr) {
        try {
            switch (options.command()) {
                case "run":
                    if (options.once()) {
                        return agent.agent().runOnce(options.timeout()) ? 0 : 1;
                    }
                    agent.agent().run();
                    return 0;
                case "status":
                    List<AgentStatus.Line> lines = AgentStatus.read(agent.agent(), options.sockets());
                    out.println(options.json() ? AgentStatus.json(lines) : AgentStatus.table(lines));
                    return AgentStatus.allUp(lines) ? 0 : 1;
                case "doctor":
                    List<Doctor.Check> checks = agent.agent().doctor(options).run();
                    out.println(options.json() ? Doctor.json(checks) : Doctor.text(checks));
                    return Doctor.passed(checks) ? 0 : 1;
                case "eal-args":
                    out.println(String.join(" ", agent.agent().ealArgs(options)));
                    return 0;
                case "engines":
                    agent.backends().builds().forEach((engine, build) -> out.println(engine + " built "
                            + build.builtFor() + (build.runsHere() ? ""
                                    : ", refused: this program provides SPI " + SpiVersion.CURRENT)));
                    return 0;
                default:
                    throw new IllegalStateException("a subcommand without an action: " + options.command());
            }
        } catch (CniException e) {
            stderr.println("usrsp-agent: " + e.getMessage() + (e.details().isEmpty() ? "" : " (" + e.details() + ")"));
            return 1;
        } catch (IOException e) {
            stderr.println("usrsp-agent: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
