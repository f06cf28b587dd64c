package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import org.userspacecni.core.Json;
import org.userspacecni.core.ProcessRunner;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.ResultCodec;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * Delegates IP allocation to the IPAM plugin named by {@code ipam.type}, found on {@code CNI_PATH} and run
 * with this invocation's environment and the whole configuration on stdin, as libcni does.
 *
 * <p>An IPAM plugin older than the configuration (Debian's host-local speaks up to 1.0.0) is tolerated:
 * when it refuses the version, it is asked which versions it speaks and called again with the newest one
 * it shares with us, {@code prevResult} converted to match. STATUS is delegated only to plugins that speak
 * 1.1.0; an older plugin's leases are collected by its DEL.
 */
final class IpamDelegate {

    private final CniEnvironment environment;
    private final ProcessRunner runner;
    private final System.Logger log;

    @Inject
    IpamDelegate(CniEnvironment environment, ProcessRunner runner, System.Logger log) {
        this.environment = environment;
        this.runner = runner;
        this.log = log;
    }

    /** Allocates addresses; the result carries no interfaces. */
    CniResult add(String type, ObjectNode config, CniVersion version) {
        JsonNode result = call(type, CniCommand.ADD, config, version).orElseThrow(() -> new CniException(
                ErrorCode.INVALID_NETWORK_CONFIG, "IPAM plugin '" + type + "' speaks no CNI version we can use"));
        if (!result.isObject()) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "IPAM plugin '" + type + "' printed no result object");
        }
        CniVersion resultVersion = CniVersion.parse(result.path("cniVersion").asText(""));
        return ResultCodec.parse(result, resultVersion, "IPAM result");
    }

    /** Releases the addresses of this attachment; succeeds when they are already released. */
    void del(String type, ObjectNode config, CniVersion version) {
        call(type, CniCommand.DEL, config, version);
    }

    void check(String type, ObjectNode config, CniVersion version) {
        if (call(type, CniCommand.CHECK, config, version).isEmpty()) {
            log.log(Level.DEBUG, "IPAM plugin ''{0}'' cannot CHECK; skipped", type);
        }
    }

    /**
     * Releases the leases of attachments no longer valid: by the plugin's own GC where it speaks 1.1.0, else by
     * its DEL for each stale attachment this plugin knows of.
     */
    void gc(String type, ObjectNode config, CniVersion version, Set<AttachmentId> stale) {
        Path plugin = find(type);
        if (supportedVersions(plugin).contains(CniVersion.LATEST.text())) {
            exec(plugin, environment.variablesFor(CniCommand.GC), config);
            return;
        }
        for (AttachmentId id : stale) {
            log.log(Level.INFO, "GC: releasing the lease of {0} through the DEL of IPAM plugin ''{1}''", id, type);
            Map<String, String> variables = environment.variablesFor(CniCommand.DEL);
            variables.put(CniCommand.Env.CONTAINER_ID, id.containerId());
            variables.put(CniCommand.Env.IFNAME, id.ifName());
            call(type, CniCommand.DEL, variables, config, version);
        }
    }

    void status(String type, ObjectNode config) {
        callIfLatest(type, CniCommand.STATUS, config);
    }

    /** The IPAM plugin's executable on CNI_PATH. */
    Path find(String type) {
        for (Path dir : environment.cniPath()) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                "IPAM plugin '" + type + "' not found in CNI_PATH " + environment.cniPath());
    }

    private void callIfLatest(String type, CniCommand command, ObjectNode config) {
        Path plugin = find(type);
        if (supportedVersions(plugin).contains(CniVersion.LATEST.text())) {
            exec(plugin, environment.variablesFor(command), config);
        } else {
            log.log(Level.DEBUG, "IPAM plugin ''{0}'' predates CNI {1}; {2} skipped", type, CniVersion.LATEST,
                    command);
        }
    }

    /**
     * Runs the plugin in the configuration's version, or, if it refuses that version, in the newest one it
     * speaks that is older and still has the command; empty when there is none.
     */
    private Optional<JsonNode> call(String type, CniCommand command, ObjectNode config, CniVersion version) {
        return call(type, command, environment.variablesFor(command), config, version);
    }

    private Optional<JsonNode> call(String type, CniCommand command, Map<String, String> variables,
            ObjectNode config, CniVersion version) {
        Path plugin = find(type);
        try {
            return Optional.of(exec(plugin, variables, config));
        } catch (CniException refused) {
            if (refused.code() != ErrorCode.INCOMPATIBLE_CNI_VERSION.code()) {
                throw refused;
            }
            Optional<CniVersion> older = newestShared(supportedVersions(plugin), version, command);
            if (older.isEmpty()) {
                if (command == CniCommand.CHECK) {
                    return Optional.empty();
                }
                throw refused;
            }
            log.log(Level.DEBUG, "IPAM plugin ''{0}'' refused CNI {1}; calling it with {2}", type, version,
                    older.get());
            return Optional.of(exec(plugin, variables, downgrade(config, version, older.get())));
        }
    }

    private static Optional<CniVersion> newestShared(List<String> theirs, CniVersion ours, CniCommand command) {
        CniVersion oldestForCommand = command == CniCommand.CHECK ? CniVersion.V0_4_0 : CniVersion.V0_3_0;
        Optional<CniVersion> best = Optional.empty();
        for (CniVersion candidate : CniVersion.values()) {
            if (candidate.compareTo(ours) < 0 && candidate.atLeast(oldestForCommand)
                    && theirs.contains(candidate.text())) {
                best = Optional.of(candidate);
            }
        }
        return best;
    }

    private static ObjectNode downgrade(ObjectNode config, CniVersion from, CniVersion to) {
        ObjectNode copy = config.deepCopy();
        copy.put("cniVersion", to.text());
        JsonNode prev = copy.get("prevResult");
        if (prev != null && !prev.isNull()) {
            copy.set("prevResult", ResultCodec.render(ResultCodec.parse(prev, from, "prevResult"), to));
        }
        return copy;
    }

    private List<String> supportedVersions(Path plugin) {
        ObjectNode ask = JsonNodeFactory.instance.objectNode().put("cniVersion", CniVersion.LATEST.text());
        JsonNode info = exec(plugin, environment.variablesFor(CniCommand.VERSION), ask);
        List<String> versions = new ArrayList<>();
        info.path("supportedVersions").forEach(v -> versions.add(v.asText()));
        return versions;
    }

    /** Runs the plugin; a non-zero exit becomes the plugin's own CNI error. */
    private JsonNode exec(Path plugin, Map<String, String> variables, ObjectNode config) {
        byte[] stdin = Json.write(config);
        ProcessRunner.Outcome outcome = runner.run(plugin, variables, stdin);
        JsonNode output = readJson(outcome.stdout());
        if (outcome.exitCode() != 0) {
            if (output != null && output.has("code")) {
                throw new CniException(output.path("code").asInt(ErrorCode.INTERNAL.code()),
                        "IPAM plugin '" + plugin.getFileName() + "' failed: " + output.path("msg").asText(""),
                        output.path("details").asText(""), null);
            }
            throw new CniException(ErrorCode.IO_FAILURE, "IPAM plugin '" + plugin.getFileName() + "' failed with exit code "
                    + outcome.exitCode() + " and no CNI error", new String(outcome.stdout(),
                    StandardCharsets.UTF_8));
        }
        return output == null ? NullNode.getInstance() : output;
    }

    private static JsonNode readJson(byte[] stdout) {
        if (stdout.length == 0) {
            return null;
        }
        try {
            return Json.readTree(stdout);
        } catch (IOException e) {
            return null;
        }
    }
}
