package org.userspacecni.agent;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.spi.LogLevel;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * What {@code usrsp-agent} runs with, read from its command line ({@link AgentCommandLine}): where the container
 * sees the config store (a data directory, or the pod annotations file of a Downward API volume) and the shared
 * directory, each only if given (the defaults are chosen by {@link AttachmentSource}), the options it hands the
 * engines ({@link EngineOptions}), the directory where it notes what it applied ({@link AppliedAttachments}), the
 * log level, the subcommand and its flags, among them what a DPDK application asks of the container
 * ({@link EalRequest}, for {@code eal-args} and {@code doctor}).
 */
record AgentOptions(Optional<Path> dataDir, Optional<Path> sharedDir, Optional<Path> podinfo,
        Map<String, String> engineOptions, Path stateDir, LogLevel logLevel, String command, boolean once, Duration timeout, boolean json,
        EalRequest eal, boolean vdevsOnly, boolean appArgs, boolean beforeStart, boolean noHugepages, boolean sockets) {

    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/usrspcni/data");
    static final Path DEFAULT_SHARED_DIR = Path.of("/var/lib/cni/usrspcni/shared");
    /** Where the pod spec of docs/container-agent.md mounts its Downward API volume of the annotations. */
    static final Path DEFAULT_PODINFO = Path.of("/etc/podinfo/annotations");
    /** In the container's {@code /run}: what was applied lives as long as the container's datapath does. */
    static final Path DEFAULT_STATE_DIR = Path.of("/run/usrsp-agent");

    /**
     * Parses the arguments (as {@link Main} does) into options; bad usage, and a help or version request, which
     * has no options to run with, is a {@link ParameterException}.
     */
    static AgentOptions parse(List<String> args) {
        CommandLine commandLine = AgentCommandLine.of(new PrintWriter(Writer.nullWriter()),
                new PrintWriter(Writer.nullWriter()));
        ParseResult parsed = commandLine.parseArgs(args.toArray(String[]::new));
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested() || !parsed.hasSubcommand()) {
            throw new ParameterException(commandLine, "no subcommand to run");
        }
        return of(parsed);
    }

    /**
     * The options of a parsed command line with a subcommand: the shared ones, and the subcommand's flags (the
     * defaults of the others). A value picocli cannot check by its type - an {@code --engine-option} that is not
     * {@code ENGINE.NAME=VALUE}, two config stores - is a {@link ParameterException}: bad usage.
     */
    static AgentOptions of(ParseResult parsed) {
        AgentCommandLine shared = parsed.commandSpec().commandLine().getCommand();
        CommandLine sub = parsed.subcommand().commandSpec().commandLine();
        Object flags = sub.getCommand();
        shared.engineOptions.keySet().stream().filter(key -> !key.matches(".+\\.[A-Za-z][A-Za-z0-9]*")).findFirst()
                .ifPresent(key -> {
                    throw new ParameterException(sub, "--engine-option takes ENGINE.NAME=VALUE, not '" + key + "'");
                });
        if (shared.dataDir != null && shared.podinfo != null) {
            throw new ParameterException(sub,
                    "--data-dir and --podinfo name two different config stores; give one");
        }
        AgentCommandLine.Run run = flags instanceof AgentCommandLine.Run r ? r : new AgentCommandLine.Run();
        AgentCommandLine.Doctor doctor = flags instanceof AgentCommandLine.Doctor d ? d
                : new AgentCommandLine.Doctor();
        AgentCommandLine.EalArgs ealArgs = flags instanceof AgentCommandLine.EalArgs e ? e
                : new AgentCommandLine.EalArgs();
        AgentCommandLine.Placement placement = flags instanceof AgentCommandLine.EalArgs ? ealArgs.placement
                : doctor.placement;
        if (placement.cpus != null && parsed.subcommand().hasMatchedOption("--cores")) {
            throw new ParameterException(sub, "--cores and --cpus both say how many lcores; give one");
        }
        EalRequest eal;
        try {
            eal = placement.request();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(sub, e.getMessage(), e);
        }
        boolean sockets = flags instanceof AgentCommandLine.Status status && status.sockets;
        boolean json = doctor.json || flags instanceof AgentCommandLine.Status status && status.json;
        return new AgentOptions(Optional.ofNullable(shared.dataDir), Optional.ofNullable(shared.sharedDir),
                Optional.ofNullable(shared.podinfo), Map.copyOf(shared.engineOptions), shared.stateDir, shared.logLevel,
                sub.getCommandName(), run.once, Duration.ofSeconds(run.timeoutSeconds), json,
                eal, ealArgs.vdevsOnly, ealArgs.appArgs, doctor.beforeStart, doctor.noHugepages, sockets);
    }
}
