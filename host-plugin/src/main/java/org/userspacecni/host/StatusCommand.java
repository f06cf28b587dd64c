package org.userspacecni.host;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.Json;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.TextTable;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.PortState;

/**
 * {@code userspace status} and {@code userspace metrics}: the node's attachments as their switches show them now
 * ({@link PortStates}), as a table or JSON for a person, or once in Prometheus' text format for a node exporter's
 * textfile collector. The report goes to stdout; a failure to stderr. Their command lines are {@link
 * PluginCommandLine}'s.
 */
final class StatusCommand {

    static final String COMMAND = "status";

    private StatusCommand() {
    }

    /** Prints the attachments of {@code dataDir}; 0 when every port is there and up, else 1. */
    static int run(Path dataDir, boolean json, Map<String, String> environment, PrintStream stdout,
            PrintStream stderr) {
        Optional<PortStates.Report> report = read(dataDir, environment, stderr);
        if (report.isEmpty()) {
            return 1;
        }
        if (json) {
            stdout.println(new String(Json.writePretty(document(report.get())), StandardCharsets.UTF_8));
        } else {
            table(report.get(), stdout);
        }
        return report.get().strays().stream().allMatch(network -> network.ports().isEmpty()) && report.get()
                .attachments().stream()
                .allMatch(attachment -> attachment.link().equals("up")) ? 0 : 1;
    }

    /** Prints the series of the attachments of {@code dataDir} once; 0 when printed. */
    static int metrics(Path dataDir, Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
        Optional<PortStates.Report> report = read(dataDir, environment, stderr);
        if (report.isEmpty()) {
            return 1;
        }
        try {
            PortMetrics.write(report.get(), stdout);
            stdout.flush();
            return 0;
        } catch (IOException e) {
            stderr.println("userspace metrics: cannot write the metrics: " + e.getMessage());
            return 1;
        }
    }

    private static Optional<PortStates.Report> read(Path dataDir, Map<String, String> environment,
            PrintStream stderr) {
        try (CniLog log = new CniLog("userspace", stderr)) {
            log.configure(LogLevel.WARNING, Optional.empty());
            BackendRegistry registry = BackendRegistry.load(ProviderLoader.of(StatusCommand.class), log);
            return Optional.of(PortStates.read(registry, new ProgramContext(environment, log), dataDir));
        } catch (CniException e) {
            stderr.println("userspace: cannot read the attachments in " + dataDir + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static void table(PortStates.Report report, PrintStream out) {
        List<PortStates.Observed> observed = report.attachments();
        TextTable table = new TextTable("NETWORK", "POD", "CONTAINER", "IF", "ENGINE", "PORT", "LINK", "RX-PACKETS",
                "TX-PACKETS", "SOCKET / ERROR");
        for (PortStates.Observed attachment : observed) {
            Optional<PortState> state = attachment.state().filter(known -> known.link() != PortState.Link.ABSENT);
            table.row(attachment.entry().network(), pod(attachment).orElse("-"),
                    attachment.entry().id().shortContainerId(), attachment.entry().id().ifName(),
                    attachment.engine(), attachment.end().port().name(), attachment.link(),
                    state.map(known -> Long.toString(known.rxPackets())).orElse("-"),
                    state.map(known -> Long.toString(known.txPackets())).orElse("-"),
                    attachment.error().orElse(attachment.end().port().socketPath()));
        }
        out.print(table);
        for (PortStates.Observed attachment : observed) {
            attachment.end().lastError().ifPresent(error -> out.println("last error of " + attachment.entry()
                    .network() + " " + attachment.entry().id().shortContainerId() + " "
                    + attachment.entry().id().ifName() + " at " + error.at() + ": " + error.message()));
        }
        out.println(observed.size() + " attachments, " + count(observed, "up") + " up, " + count(observed, "down")
                + " down, " + count(observed, "absent") + " absent from their switch (stale), "
                + count(observed, "unknown") + " unknown");
        for (PortStates.Strays network : report.strays()) {
            network.ports().forEach(port -> out.println("stray: port " + port + " of network " + network.network()
                    + " (" + network.engine() + ") is on the switch, but no attachment the plugin made has it; a GC"
                    + " of the network removes it"));
        }
    }

    private static ObjectNode document(PortStates.Report report) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        ArrayNode attachments = document.putArray("attachments");
        for (PortStates.Observed attachment : report.attachments()) {
            ObjectNode node = attachments.addObject().put("network", attachment.entry().network())
                    .put("containerId", attachment.entry().id().containerId())
                    .put("ifName", attachment.entry().id().ifName());
            attachment.end().pod().ifPresent(pod -> node.put("namespace", pod.namespace()).put("pod", pod.name()));
            node.put("engine", attachment.engine()).put("port", attachment.end().port().name())
                    .put("socket", attachment.end().port().socketPath()).put("link", attachment.link());
            attachment.state().filter(known -> known.link() != PortState.Link.ABSENT).ifPresent(known -> node
                    .putObject("counters").put("rxPackets", known.rxPackets()).put("rxBytes", known.rxBytes())
                    .put("rxDropped", known.rxDropped()).put("rxErrors", known.rxErrors())
                    .put("txPackets", known.txPackets()).put("txBytes", known.txBytes())
                    .put("txDropped", known.txDropped()).put("txErrors", known.txErrors()));
            attachment.error().ifPresent(error -> node.put("error", error));
            attachment.end().lastError().ifPresent(error -> node.putObject("lastError").put("at", error.at()
                    .toString()).put("message", error.message()));
        }
        ArrayNode strays = document.putArray("stray");
        report.strays().forEach(network -> network.ports().forEach(port -> strays.addObject()
                .put("network", network.network()).put("engine", network.engine()).put("port", port)));
        return document;
    }

    private static Optional<String> pod(PortStates.Observed attachment) {
        return attachment.end().pod().map(pod -> pod.namespace() + "/" + pod.name());
    }

    private static long count(List<PortStates.Observed> observed, String link) {
        return observed.stream().filter(attachment -> attachment.link().equals(link)).count();
    }
}
