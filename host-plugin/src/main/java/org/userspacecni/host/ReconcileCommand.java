package org.userspacecni.host;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.LogLevel;

/**
 * {@code userspace reconcile}: after the node's switch was restarted, asks each attachment's engine to restore the
 * host end ADD made ({@link HostPortRestore}), for nodes where no daemon does it by itself. One line per attachment
 * on stderr; stdout stays empty, as it belongs to the CNI protocol. Exit 0 when every recorded host end is there
 * (restored or intact), 1 when one could not be restored; its command line is {@link PluginCommandLine}'s.
 */
final class ReconcileCommand {

    static final String COMMAND = "reconcile";

    private ReconcileCommand() {
    }

    /** Restores the attachments in {@code dataDir} (of {@code network} only, if given); the exit code. */
    static int run(Path dataDir, Optional<String> network, LogLevel level, Map<String, String> environment,
            PrintStream stderr) {
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
}
