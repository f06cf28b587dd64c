package org.userspacecni.core.cni;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.userspacecni.spi.CniException;

/** The error object of the CNI protocol: {@code {cniVersion, code, msg, details}}, details only when there are some. */
public final class CniErrors {

    private CniErrors() {
    }

    public static ObjectNode render(CniException error, CniVersion version) {
        ObjectNode out = JsonNodeFactory.instance.objectNode()
                .put("cniVersion", version.text())
                .put("code", error.code())
                .put("msg", error.getMessage() == null ? "" : error.getMessage());
        if (!error.details().isEmpty()) {
            out.put("details", error.details());
        }
        return out;
    }
}
