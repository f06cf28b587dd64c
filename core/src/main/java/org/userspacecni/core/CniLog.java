package org.userspacecni.core;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.Set;
import org.userspacecni.spi.LogLevel;

/**
 * The programs' logger: lines to stderr and, once the configuration names one, to its {@code logFile}, at
 * the configuration's {@code logLevel}. It never writes to stdout, which belongs to the CNI protocol.
 * A log file that cannot be opened is reported on stderr and otherwise ignored: logging never fails a
 * command.
 *
 * <p>The log file is created {@code 0600} (an existing one keeps its mode) and opened without following a
 * symbolic link, so a link planted at its path cannot make a root process append to another file. Control
 * characters in a message are escaped ({@code \n} as {@code \\n}): every entry is one line, and text that
 * came from outside cannot forge another.
 */
public final class CniLog implements System.Logger, AutoCloseable {

    private final String name;
    private final PrintStream stderr;
    private volatile LogLevel level = LogLevel.WARNING;
    private volatile Optional<OutputStream> file = Optional.empty();

    public CniLog(String name, PrintStream stderr) {
        this.name = name;
        this.stderr = stderr;
    }

    /** Applies the configuration's level and log file. */
    public void configure(LogLevel level, Optional<Path> logFile) {
        this.level = level;
        logFile.ifPresent(path -> {
            try {
                file = Optional.of(Channels.newOutputStream(Files.newByteChannel(path, Set.of(
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")))));
            } catch (IOException | RuntimeException e) {
                String why = Files.isSymbolicLink(path) ? "it is a symbolic link, which is not followed"
                        : String.valueOf(e.getMessage());
                stderr.println(line(LogLevel.WARNING, "cannot open log file " + path + ": " + why));
            }
        });
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level systemLevel) {
        return systemLevel != Level.OFF && toLogLevel(systemLevel).compareTo(level) <= 0;
    }

    @Override
    public void log(Level systemLevel, ResourceBundle bundle, String msg, Throwable thrown) {
        if (!isLoggable(systemLevel)) {
            return;
        }
        StringBuilder text = new StringBuilder(msg == null ? "" : msg);
        if (thrown != null) {
            text.append(": ").append(thrown);
        }
        write(line(toLogLevel(systemLevel), text.toString()));
    }

    @Override
    public void log(Level systemLevel, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(systemLevel)) {
            String msg = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
            write(line(toLogLevel(systemLevel), msg));
        }
    }

    private void write(String line) {
        stderr.println(line);
        file.ifPresent(out -> {
            try {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                stderr.println(line(LogLevel.WARNING, "cannot write log file: " + e.getMessage()));
                file = Optional.empty();
            }
        });
    }

    /** Closes the log file, if one is open; later lines go to stderr only. */
    @Override
    public void close() {
        Optional<OutputStream> open = file;
        file = Optional.empty();
        open.ifPresent(out -> {
            try {
                out.close();
            } catch (IOException e) {
                stderr.println(line(LogLevel.WARNING, "cannot close log file: " + e.getMessage()));
            }
        });
    }

    private String line(LogLevel lineLevel, String msg) {
        return Instant.now() + " [" + lineLevel.wireName() + "] " + name + ": " + escaped(msg);
    }

    /** The text on one line: CR, LF and other control characters but tab written as escapes. */
    static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (Character.isISOControl(c) && c != '\t') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static LogLevel toLogLevel(Level level) {
        switch (level) {
            case ERROR:
                return LogLevel.ERROR;
            case WARNING:
                return LogLevel.WARNING;
            case INFO:
                return LogLevel.INFO;
            case DEBUG:
                return LogLevel.DEBUG;
            default:
                return LogLevel.VERBOSE;
        }
    }
}
