package org.userspacecni.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.userspacecni.testkit.CniInvocation;

/**
 * Runs the integration tests against the plugin's daemon when the system property {@value #PROPERTY} is true
 * (the failsafe execution {@code daemon-mode}): one daemon for the whole run, and every {@link CniInvocation}
 * forwarded to it by the launcher. The tests are the same as in standalone mode.
 */
public final class DaemonMode implements LauncherSessionListener {

    static final String PROPERTY = "userspace.daemon";
    /** The tag of tests that SIGKILL the plugin's own process, which a daemon does not have: not run here. */
    static final String KILLS_PLUGIN_PROCESS = "kills-plugin-process";

    private Path directory;
    private DaemonProcess daemon;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        try {
            directory = Files.createTempDirectory("usrsp-daemon");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon = DaemonProcess.start(directory.resolve("run/daemon.sock"), Map.of());
        System.setProperty(CniInvocation.DAEMON_SOCKET_PROPERTY, daemon.socket.toString());
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (daemon == null) {
            return;
        }
        daemon.close();
        System.clearProperty(CniInvocation.DAEMON_SOCKET_PROPERTY);
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
