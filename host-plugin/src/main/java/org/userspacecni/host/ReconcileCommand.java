package org.userspacecni.host;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.NetConf;

/**
 * {@code userspace reconcile}: after the node's switch was restarted, asks each attachment's engine to restore the
 * host end ADD made ({@link HostPortRestore}), for nodes where no daemon does it by itself. One line per attachment
 * on stderr; stdout stays empty, as it belongs to the CNI protocol. Exit 0 when every recorded host end is there
 * (restored or intact), 1 when one could not be restored, 2 on a usage error.
 */
final class ReconcileCommand {

    static final String COMMAND = "reconcile";
    static final String USAGE = "usage: userspace reconcile [--data-dir DIR] [--network NAME] [--verbose]\n"
            + "  Restores the host end of every attachment the plugin made (journal in DIR, default "
            + NetConf.DEFAULT_DATA_DIR + ") that its switch lost when it restarted;\n"
            + "  what is there is left as it is. Engine settings from the environment apply as for CNI commands.\n"
            + "  Exit 0: all there; 1: one could not be restored; 2: usage.";

    private ReconcileCommand() {
    }

    static int main(List<String> args, Map<String, String> environment, PrintStream stderr) {
        Path dataDir = NetConf.DEFAULT_DATA_DIR;
        Optional<String> network = Optional.empty();
        LogLevel level = LogLevel.WARNING;
        List<String> rest = new ArrayList<>(args);
        try {
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--help", "-h" -> {
                        stderr.println(USAGE);
                        return 0;
                    }
                    case "--data-dir" -> dataDir = Path.of(value(arg, rest));
                    case "--network" -> network = Optional.of(value(arg, rest));
                    case "--verbose" -> level = LogLevel.INFO;
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            stderr.println("userspace reconcile: " + e.getMessage());
            stderr.println(USAGE);
            return 2;
        }
        try (CniLog log = new CniLog("userspace", stderr)) {
            log.configure(level, Optional.empty());
            BackendRegistry registry = BackendRegistry.load(ProviderLoader.of(ReconcileCommand.class), log);
            HostPortRestore restore = new HostPortRestore(registry, new ProgramContext(environment, log), dataDir);
            Optional<String> only = network;
            stderr.println("userspace reconcile: attachments in " + dataDir);
            List<HostPortRestore.Result> results = restore.restore(
                    entry -> only.map(entry.network()::equals).orElse(true), key -> () -> { },
                    result -> stderr.println("userspace reconcile: " + result.describe()));
            long failed = results.stream().filter(r -> r.outcome() == HostPortRestore.Outcome.FAILED).count();
            long restored = results.stream().filter(r -> r.outcome() == HostPortRestore.Outcome.RESTORED).count();
            stderr.println("userspace reconcile: " + results.size() + " attachments, " + restored + " restored, "
                    + failed + " failed");
            return failed == 0 ? 0 : 1;
        } catch (CniException e) {
            stderr.println("userspace reconcile: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.remove(0);
    }
}
