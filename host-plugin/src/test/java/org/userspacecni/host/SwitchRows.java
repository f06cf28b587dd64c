package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.userspacecni.core.Json;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The Port and Interface rows of a switch, read from its database, each as the text of the columns that say
 * whose it is and what it is (uuid, name, external_ids, and the port's interfaces and tag, the interface's type
 * and options), by uuid: a row that is removed and made again, or changed in one of them, compares different.
 * Counters and link state, which the switch keeps changing, are left out.
 */
record SwitchRows(Map<String, String> ports, Map<String, String> interfaces) {

    static SwitchRows of(OvsSandbox ovs) {
        return new SwitchRows(rows(ovs, "Port", "_uuid,name,external_ids,interfaces,tag"),
                rows(ovs, "Interface", "_uuid,name,type,options,external_ids"));
    }

    /** Those rows of this that {@code before} did not have. */
    SwitchRows since(SwitchRows before) {
        return new SwitchRows(without(ports, before.ports), without(interfaces, before.interfaces));
    }

    /** These rows but those named {@code name} (a bridge's own port and interface). */
    SwitchRows except(String name) {
        return new SwitchRows(named(ports, name), named(interfaces, name));
    }

    private static Map<String, String> named(Map<String, String> rows, String name) {
        Map<String, String> kept = new TreeMap<>();
        rows.forEach((uuid, row) -> {
            try {
                if (!Json.mapper().readTree(row).path(1).asText().equals(name)) {
                    kept.put(uuid, row);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return kept;
    }

    /** These rows as they are in {@code now}: a row that is gone is missing. */
    SwitchRows in(SwitchRows now) {
        return new SwitchRows(only(now.ports, ports), only(now.interfaces, interfaces));
    }

    private static Map<String, String> without(Map<String, String> rows, Map<String, String> others) {
        Map<String, String> kept = new TreeMap<>(rows);
        kept.keySet().removeAll(others.keySet());
        return kept;
    }

    private static Map<String, String> only(Map<String, String> rows, Map<String, String> wanted) {
        Map<String, String> kept = new TreeMap<>(rows);
        kept.keySet().retainAll(wanted.keySet());
        return kept;
    }

    private static Map<String, String> rows(OvsSandbox ovs, String table, String columns) {
        try {
            JsonNode listed = Json.mapper().readTree(ovs.vsctl("--format=json", "--columns=" + columns, "list", table));
            Map<String, String> rows = new TreeMap<>();
            for (JsonNode row : listed.path("data")) {
                rows.put(row.path(0).path(1).asText(), row.toString());
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
