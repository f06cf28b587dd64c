package org.userspacecni.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;

/**
 * The launcher process a daemon request came from, as {@code /proc} shows it: the process the runtime executed,
 * which it kills when it gives up on the command. The daemon reads nothing from the connection while the command
 * runs, so it asks whether the launcher itself still lives rather than wait to find the connection closed. The
 * process's start time is kept beside its id, so that another process given the same id later does not pass for it.
 */
record LauncherProcess(long pid, String startTime) {

    /** The request's environment entry in which the launcher names its own process id. */
    static final String VARIABLE = "USERSPACE_CNI_LAUNCHER_PID";

    private static final Path PROC = Path.of("/proc");

    /**
     * The live process {@code pid} names, if it is one of {@code peer}'s, the user the request's connection
     * came from; empty otherwise (no id, not a number, gone, or another user's).
     */
    static Optional<LauncherProcess> claimedBy(String pid, UserPrincipal peer) {
        long id;
        try {
            id = Long.parseLong(pid);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (id <= 0) {
            return Optional.empty();
        }
        try {
            if (!Files.getOwner(PROC.resolve(Long.toString(id))).equals(peer)) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Stat.of(id).filter(Stat::running).map(stat -> new LauncherProcess(id, stat.startTime()));
    }

    /** Whether the launcher still runs: the same process (same start time), and not a zombie waiting to be reaped. */
    boolean alive() {
        return Stat.of(pid).filter(Stat::running).filter(stat -> stat.startTime().equals(startTime)).isPresent();
    }

    /** The fields of {@code /proc/<pid>/stat} the daemon needs: the state (3) and the start time (22). */
    private record Stat(String state, String startTime) {

        static Optional<Stat> of(long pid) {
            String stat;
            try {
                stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            } catch (NoSuchFileException gone) {
                return Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
            // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
            int end = stat.lastIndexOf(')');
            if (end < 0) {
                return Optional.empty();
            }
            String[] fields = stat.substring(end + 1).trim().split(" ");
            if (fields.length < 20) {
                return Optional.empty();
            }
            return Optional.of(new Stat(fields[0], fields[19]));
        }

        /** Zombies (Z) and dead processes (X) have ended; a runtime that killed its launcher may not have reaped it yet. */
        boolean running() {
            return !state.equals("Z") && !state.equals("X");
        }
    }
}
