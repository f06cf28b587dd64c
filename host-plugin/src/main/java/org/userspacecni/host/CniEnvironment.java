package org.userspacecni.host;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
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
    /** The container id names a directory of the file store, so it is kept to what one path element may be. */
    private static final int CONTAINER_ID_MAX_LENGTH = 255;
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
                .map(CniEnvironment::pathEntry)
                .collect(Collectors.toList());
        return new CniEnvironment(command, containerId, netns, ifName,
                parseArgs(variables.getOrDefault(Env.ARGS, "")), cniPath, Map.copyOf(variables));
    }

    /** The attachment this ADD, DEL or CHECK is about. */
    AttachmentId attachmentId() {
        return new AttachmentId(containerId.orElseThrow(), ifName.orElseThrow());
    }

    /** The Kubernetes pod the runtime names in {@code CNI_ARGS} ({@code K8S_POD_NAMESPACE}, {@code K8S_POD_NAME}). */
    Optional<AttachmentJournal.Pod> pod() {
        String namespace = args.get("K8S_POD_NAMESPACE");
        String name = args.get("K8S_POD_NAME");
        return namespace == null || name == null || namespace.isEmpty() || name.isEmpty() ? Optional.empty()
                : Optional.of(new AttachmentJournal.Pod(namespace, name));
    }

    /**
     * The whole number of seconds {@code variable} sets, from {@code least} to 99999; empty when it is not set, and
     * error 4 when it is anything else ({@code leastMeans} says what the least value does, if it is special).
     */
    Optional<Integer> seconds(String variable, int least, String leastMeans) {
        String seconds = variables.getOrDefault(variable, "");
        if (seconds.isEmpty()) {
            return Optional.empty();
        }
        if (!seconds.matches("[0-9]{1,5}") || Integer.parseInt(seconds) < least) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, variable + " must be a whole number of"
                    + " seconds from " + least + leastMeans + " to 99999", seconds);
        }
        return Optional.of(Integer.parseInt(seconds));
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
        if (id.length() > CONTAINER_ID_MAX_LENGTH) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                    "containerID is longer than " + CONTAINER_ID_MAX_LENGTH + " characters", id);
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
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            // Stricter than the specification: the name goes into file names, OVSDB and log lines.
            problem = "interface name contains control characters";
        } else if (!isPath(name)) {
            problem = "interface name cannot be a file name here (characters the file system's encoding lacks)";
        }
        if (problem != null) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, problem, name);
        }
    }

    /**
     * An absolute, normalized path: no '.' or '..' element, no empty one, no NUL or line break, nothing the file
     * system's encoding lacks.
     */
    private static void checkNetnsPath(String netns) {
        boolean normalized = netns.startsWith("/") && netns.chars().noneMatch(c -> c == 0 || c == '\n' || c == '\r')
                && Arrays.stream(netns.substring(1).split("/", -1)).noneMatch(e -> e.isEmpty() || e.equals(".")
                        || e.equals("..")) && isPath(netns);
        if (!normalized) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES,
                    "CNI_NETNS must be an absolute, normalized path (no '.' or '..' elements)", netns);
        }
    }

    /** Whether the file system can name {@code name}: it becomes part of the store's and sockets' file names. */
    private static boolean isPath(String name) {
        try {
            Path.of(name);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** A directory of CNI_PATH; one the file system cannot name (a NUL, unmappable characters) is code 4. */
    private static Path pathEntry(String dir) {
        try {
            return Path.of(dir);
        } catch (InvalidPathException e) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, "CNI_PATH: not a path: " + e.getReason());
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
