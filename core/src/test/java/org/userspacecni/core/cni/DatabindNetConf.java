package org.userspacecni.core.cni;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;
import org.userspacecni.core.Json;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.NetConf;

/**
 * The network configuration as Jackson's data binding reads it into the SPI's records (their annotations
 * say how), the way the plugin decoded it before {@link NetConfReader}: the oracle that reader must agree with.
 */
final class DatabindNetConf {

    private DatabindNetConf() {
    }

    static NetConf netConf(ObjectNode config) {
        try {
            return Json.mapper().treeToValue(NetConfDecoder.completed(config), NetConf.class);
        } catch (JsonMappingException e) {
            String path = path(e);
            Optional<CniException> cause = CniException.in(e);
            if (cause.isPresent()) {
                CniException c = cause.get();
                String msg = path.isEmpty() ? c.getMessage() : path + ": " + c.getMessage();
                throw new CniException(c.code(), msg, c.details(), null);
            }
            throw new CniException(ErrorCode.DECODING_FAILURE, "failed to decode the network configuration: '"
                    + path + "' must be " + expected(e), firstLine(e));
        } catch (JacksonException e) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "failed to decode the network configuration",
                    firstLine(e));
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String expected(JsonMappingException e) {
        Class<?> type = e instanceof MismatchedInputException ? ((MismatchedInputException) e).getTargetType() : null;
        if (type == null) {
            return "of another type";
        } else if (type == String.class || type.isEnum() || type == InterfaceType.class) {
            return "a string";
        } else if (type == Integer.class || type == int.class) {
            return "an integer";
        } else if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        } else if (Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JacksonException ? ((JacksonException) e).getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
