package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.Json;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.cni.CniErrors;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;

/**
 * The entry point of the CNI plugin {@code userspace}. Without arguments, a CNI command: exit 0 with the result
 * (or nothing) on stdout, or exit 1 with exactly one CNI error object on stdout; logs go to stderr and the
 * configured log file. With arguments, a command an operator types ({@link PluginCommandLine}).
 */
public final class Main {

    /** Larger network configurations are refused rather than read into memory. */
    static final int MAX_CONFIG_BYTES = 16 * 1024 * 1024;

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(subcommand(Arrays.asList(args), System.getenv(), CniOutput.forReport(), System.err));
        }
        System.exit(run(System.getenv(), System.in, CniOutput.system(), System.err, ProviderLoader.of(Main.class)));
    }

    /**
     * The commands an operator types ({@link PluginCommandLine}): a report they exist to print ({@code metrics},
     * {@code status}) goes to stdout, everything else to stderr. A separate class, so that a CNI command never loads
     * picocli.
     */
    static int subcommand(List<String> args, Map<String, String> variables, PrintStream stdout, PrintStream stderr) {
        return PluginCommandLine.run(args, variables, stdout, stderr);
    }

    /**
     * One CNI command, with the providers {@code providers} offers: what the process does, and what the daemon does
     * for each request.
     */
    static int run(Map<String, String> variables, InputStream stdin, CniOutput out, PrintStream stderr,
            ProviderLoader providers) {
        try (CniLog log = new CniLog("userspace", stderr)) {
            return run(variables, stdin, out, stderr, providers, log);
        }
    }

    private static int run(Map<String, String> variables, InputStream stdin, CniOutput out, PrintStream stderr,
            ProviderLoader providers, CniLog log) {
        String commandName = variables.getOrDefault(CniCommand.Env.COMMAND, "");
        if (commandName.isEmpty()) {
            stderr.println(about());
            return 0;
        }
        CniVersion errorVersion = CniVersion.LATEST;
        try {
            CniCommand command = command(commandName);
            if (command == CniCommand.VERSION) {
                out.print(versionInfo(stdin));
                return 0;
            }
            byte[] input = read(stdin);
            errorVersion = peekVersion(input).orElse(CniVersion.LATEST);
            CniEnvironment environment = CniEnvironment.of(command, variables);
            ObjectNode config = NetConfDecoder.parseObject(input);
            CniVersion version = NetConfDecoder.version(config);
            NetConf netConf = NetConfDecoder.netConf(config);
            log.configure(netConf.logLevel(), netConf.logFile().map(Path::of));
            log.log(Level.DEBUG, "{0} {1}", command, environment.containerId().orElse(""));
            CniRequest request = CniRequest.decode(environment, config, version, netConf, log);
            HostPlugin plugin = DaggerHostPluginComponent.factory()
                    .create(environment, netConf, stderr, log, providers).plugin();
            plugin.run(request).ifPresent(out::print);
            return 0;
        } catch (CniException e) {
            log.log(Level.ERROR, "{0} failed with code {1}: {2}{3}", commandName, e.code(), e.getMessage(),
                    e.details().isEmpty() ? "" : " (" + e.details() + ")");
            out.print(CniErrors.render(e, errorVersion));
            return 1;
        } catch (RuntimeException | Error e) {
            e.printStackTrace(stderr);
            out.print(CniErrors.render(new CniException(ErrorCode.INTERNAL, "internal error: " + e,
                    String.valueOf(e.getMessage())), errorVersion));
            return 1;
        }
    }

    private static CniCommand command(String name) {
        try {
            return CniCommand.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, "unknown CNI_COMMAND: " + name);
        }
    }

    /** VERSION answers in the version asked for on stdin, if we speak it, else in the newest. */
    private static JsonNode versionInfo(InputStream stdin) {
        Optional<CniVersion> asked = System.console() == null ? peekVersion(read(stdin)) : Optional.empty();
        ObjectNode info = JsonNodeFactory.instance.objectNode()
                .put("cniVersion", asked.orElse(CniVersion.LATEST).text());
        CniVersion.supported().forEach(info.putArray("supportedVersions")::add);
        return info;
    }

    private static Optional<CniVersion> peekVersion(byte[] input) {
        try {
            return Optional.of(NetConfDecoder.version(NetConfDecoder.parseObject(input)));
        } catch (CniException e) {
            return Optional.empty();
        }
    }

    private static byte[] read(InputStream stdin) {
        try {
            byte[] input = stdin.readNBytes(MAX_CONFIG_BYTES + 1);
            if (input.length > MAX_CONFIG_BYTES) {
                throw new CniException(ErrorCode.DECODING_FAILURE,
                        "the network configuration is larger than " + MAX_CONFIG_BYTES + " bytes");
            }
            return input;
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot read the network configuration from stdin", e);
        }
    }

    /** The version line: what {@code --version} says, and a CNI process without a command. */
    static String about() {
        String version = Optional.ofNullable(Main.class.getPackage().getImplementationVersion()).orElse("dev");
        return "CNI userspace plugin " + version + " (vhost-user and memif attachments; CNI "
                + String.join(", ", CniVersion.supported()) + ")";
    }
}
