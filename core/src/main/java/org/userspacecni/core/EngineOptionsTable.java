package org.userspacecni.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.EngineOption;

/**
 * An engine's declared options ({@link DatapathBackendProvider#options()}) as a Markdown table: what the
 * configuration reference shows for each installed engine, and what a third party's README can be checked
 * against, so that the options are written down in one place, their declaration.
 */
public final class EngineOptionsTable {

    private static final List<String> COLUMNS = List.of("option", "else the variable", "default", "allowed",
            "meaning");

    private EngineOptionsTable() {
    }

    /** The table, a row per option sorted by its path ({@code <side>} for one read from both sections). */
    public static String of(DatapathBackendProvider engine) {
        List<List<String>> rows = new ArrayList<>();
        for (EngineOption option : engine.options()) {
            String section = option.sections().size() > 1 ? "<side>"
                    : option.sections().iterator().next().name().toLowerCase(Locale.ROOT);
            rows.add(List.of(code(section + ".options." + option.name()),
                    option.variable().map(EngineOptionsTable::code).orElse("none"),
                    option.defaultValue().isEmpty() ? "none" : option.defaultValue(), option.allowed(),
                    option.description()));
        }
        rows.sort(Comparator.comparing(row -> row.get(0)));
        return markdown(COLUMNS, rows);
    }

    /** A Markdown table of {@code rows} under {@code columns}, as the configuration reference writes its tables. */
    public static String markdown(List<String> columns, List<List<String>> rows) {
        StringBuilder table = new StringBuilder();
        table.append(columns.stream().collect(Collectors.joining(" | ", "| ", " |\n")));
        table.append(columns.stream().map(column -> "---").collect(Collectors.joining("|", "|", "|\n")));
        for (List<String> row : rows) {
            table.append(row.stream().map(cell -> cell.replace("|", "\\|"))
                    .collect(Collectors.joining(" | ", "| ", " |\n")));
        }
        return table.toString();
    }

    private static String code(String text) {
        return "`" + text + "`";
    }
}
