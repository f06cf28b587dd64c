package org.userspacecni.store.kubernetes;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;

/** A logger that keeps its warnings and errors, formatted, for a test to look at. */
final class RecordingLogger implements System.Logger {

    private final List<String> warnings;

    RecordingLogger(List<String> warnings) {
        this.warnings = warnings;
    }

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        record(level, message);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        record(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }

    private synchronized void record(Level level, String message) {
        if (level.getSeverity() >= Level.WARNING.getSeverity()) {
            warnings.add(message);
        }
    }
}
