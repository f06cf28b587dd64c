package org.userspacecni.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.userspacecni.core.Json;
import org.userspacecni.core.TextTable;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.SocketFile;

/**
 * {@code usrsp-agent status}: the container's side of each stored attachment in the words of the node's {@code
 * userspace status}: its link {@code up}, {@code down}, {@code absent} (the container's datapath has no interface
 * for it, or, with {@code --sockets}, its socket is not there) or {@code unknown} (the datapath could not be asked;
 * the error says why). A table, or JSON with {@code --json}; every attachment up is exit 0, anything else 1.
 *
 * <p>With {@code --sockets} (the container's DPDK application is the datapath) a socket that is there is {@code up}:
 * whether the switch's end is connected to it cannot be seen from the pod. Where the application listens, the
 * kernel makes the accepted connection's socket in the network namespace of the switch that connected, so the
 * pod's {@code /proc/net/unix} lists the listener only; where the switch listens, the application's socket has no
 * path to look for. The switch sees it: the node's {@code userspace status} and the daemon's metrics.
 */
final class AgentStatus {

    /** One attachment's line: its configuration, its link, and why it is unknown. */
    record Line(ContainerConfig config, String link, Optional<String> error) {
    }

    private AgentStatus() {
    }

    /** The attachments {@code agent} holds, each asked of its engine's container side (or its socket). */
    static List<Line> read(Agent agent, boolean socketsOnly) {
        Path sharedDir = agent.sharedDir();
        List<Line> lines = new ArrayList<>();
        for (ContainerConfig config : agent.stored()) {
            try {
                String link = socketsOnly ? (SocketFile.isSocket(sharedDir.resolve(config.socket())) ? "up" : "absent")
                        : agent.side(config).linkState(config);
                lines.add(new Line(config, link, Optional.empty()));
            } catch (CniException e) {
                lines.add(new Line(config, "unknown", Optional.of("error " + e.code() + ": " + e.getMessage())));
            }
        }
        return lines;
    }

    /** The lines for a person: a table with a header and a count. */
    static String table(List<Line> lines) {
        TextTable table = new TextTable("NETWORK", "IF", "ENGINE", "LINK", "SOCKET / ERROR");
        for (Line line : lines) {
            table.row(line.config().name(), line.config().ifName(), line.config().config().engine(), line.link(),
                    line.error().orElse(line.config().socket()));
        }
        return table.toString() + lines.size() + " attachments, " + count(lines, "up") + " up, " + count(lines, "down")
                + " down, " + count(lines, "absent") + " absent, " + count(lines, "unknown") + " unknown";
    }

    /** The lines as one JSON array. */
    static String json(List<Line> lines) {
        ArrayNode document = JsonNodeFactory.instance.arrayNode();
        for (Line line : lines) {
            ObjectNode node = document.addObject().put("network", line.config().name())
                    .put("containerId", line.config().containerId()).put("ifName", line.config().ifName())
                    .put("engine", line.config().config().engine()).put("socket", line.config().socket())
                    .put("link", line.link());
            line.error().ifPresent(error -> node.put("error", error));
        }
        return new String(Json.writePretty(document), StandardCharsets.UTF_8);
    }

    static boolean allUp(List<Line> lines) {
        return lines.stream().allMatch(line -> line.link().equals("up"));
    }

    private static long count(List<Line> lines, String link) {
        return lines.stream().filter(line -> line.link().equals(link)).count();
    }
}
