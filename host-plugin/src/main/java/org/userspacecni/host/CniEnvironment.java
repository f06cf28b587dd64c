package org.userspacecni.host;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.userspacecni.host.CniCommand.Env;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The CNI environment of one invocation, validated as the reference Go harness validates it: every
 * variable the command requires is present (else code 4 naming the missing ones), the container id and
 * interface name follow the specification's rules, and {@code CNI_ARGS} is a list of {@code K=V} pairs.
 */
record CniEnvironment(
        CniCommand command,
        Optional<String> containerId,
        Optional<String> netns,
        Optional<String> ifName,
        Map<String, String> args,
        List<Path> cniPath,
        Map<String, String> variables) {

    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
    private static final int IFNAME_MAX_BYTES = 15;

    static CniEnvironment of(CniCommand command, Map<String, String> variables) {
        List<String> missing = Arrays.asList(Env.CONTAINER_ID, Env.NETNS, Env.IFNAME, Env.PATH).stream()
                .filter(name -> command.required().contains(name))
                .filter(name -> variables.getOrDefault(name, "").isEmpty())
                .collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                    "required env variables [" + String.join(",", missing) + "] missing");
        }
        Optional<String> containerId = present(variables, Env.CONTAINER_ID);
        containerId.ifPresent(CniEnvironment::checkContainerId);
        Optional<String> ifName = present(variables, Env.IFNAME);
        ifName.ifPresent(CniEnvironment::checkInterfaceName);
        Optional<String> netns = present(variables, Env.NETNS);
        netns.ifPresent(CniEnvironment::checkNetnsPath);
        List<Path> cniPath = present(variables, Env.PATH).stream()
                .flatMap(path -> Arrays.stream(path.split(":")))
                .filter(dir -> !dir.isEmpty())
                .map(Path::of)
                .collect(Collectors.toList());
        return new CniEnvironment(command, containerId, netns, ifName,
                parseArgs(variables.getOrDefault(Env.ARGS, "")), cniPath, Map.copyOf(variables));
    }

    /** The attachment this ADD, DEL or CHECK is about. */
    AttachmentId attachmentId() {
        return new AttachmentId(containerId.orElseThrow(), ifName.orElseThrow());
    }

    /** This environment with {@code CNI_COMMAND} replaced, for a delegated plugin. */
    Map<String, String> variablesFor(CniCommand delegated) {
        Map<String, String> copy = new LinkedHashMap<>(variables);
        copy.put(Env.COMMAND, delegated.name());
        return copy;
    }

    private static Optional<String> present(Map<String, String> variables, String name) {
        return Optional.ofNullable(variables.get(name)).filter(value -> !value.isEmpty());
    }

    private static void checkContainerId(String id) {
        if (!CONTAINER_ID.matcher(id).matches()) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, "invalid characters in containerID", id);
        }
    }

    private static void checkInterfaceName(String name) {
        String problem = null;
        if (name.getBytes(StandardCharsets.UTF_8).length > IFNAME_MAX_BYTES) {
            problem = "interface name is too long";
        } else if (name.equals(".") || name.equals("..")) {
            problem = "interface name is . or ..";
        } else if (name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c == 0)) {
            problem = "interface name contains / or : or whitespace characters";
        }
        if (problem != null) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, problem, name);
        }
    }

    private static void checkNetnsPath(String netns) {
        if (!netns.startsWith("/") || netns.indexOf('\0') >= 0) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                    "CNI_NETNS must be an absolute path", netns);
        }
    }

    private static Map<String, String> parseArgs(String args) {
        Map<String, String> parsed = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        for (String pair : args.split(";")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", -1);
            if (kv.length != 2 || kv[0].isEmpty()) {
                invalid.add(pair);
            } else {
                parsed.put(kv[0], kv[1]);
            }
        }
        if (!invalid.isEmpty()) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                    "CNI_ARGS: invalid pair '" + invalid.get(0) + "'");
        }
        return parsed;
    }
}
