package org.userspacecni.core.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * Reads and writes CNI results in the shape of each supported version. 0.3.0, 0.3.1 and 0.4.0 carry
 * {@code ips[].version}; 1.0.0 drops it; 1.1.0 adds {@code interfaces[].mtu}, {@code socketPath},
 * {@code pciID} and the route attributes {@code mtu}, {@code advmss}, {@code priority}, {@code table},
 * {@code scope}. Writing an older version leaves out what it cannot express; nothing else is lost.
 */
public final class ResultCodec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResultCodec() {
    }

    /** Writes {@code result} as a {@code version} result, {@code cniVersion} first. */
    public static ObjectNode render(CniResult result, CniVersion version) {
        boolean v11 = version.atLeast(CniVersion.V1_1_0);
        ObjectNode out = NODES.objectNode().put("cniVersion", version.text());
        if (!result.interfaces().isEmpty()) {
            ArrayNode interfaces = out.putArray("interfaces");
            for (CniResult.NetInterface nic : result.interfaces()) {
                ObjectNode node = interfaces.addObject().put("name", nic.name());
                nic.mac().ifPresent(mac -> node.put("mac", mac));
                if (v11) {
                    nic.mtu().ifPresent(mtu -> node.put("mtu", mtu));
                }
                nic.sandbox().ifPresent(sandbox -> node.put("sandbox", sandbox));
                if (v11) {
                    nic.socketPath().ifPresent(path -> node.put("socketPath", path));
                    nic.pciID().ifPresent(pci -> node.put("pciID", pci));
                }
            }
        }
        if (!result.ips().isEmpty()) {
            ArrayNode ips = out.putArray("ips");
            for (CniResult.IpConfig ip : result.ips()) {
                ObjectNode node = ips.addObject();
                if (!version.atLeast(CniVersion.V1_0_0)) {
                    node.put("version", String.valueOf(IpAddresses.cidrFamily(ip.address())));
                }
                node.put("address", ip.address());
                ip.gateway().ifPresent(gw -> node.put("gateway", gw));
                ip.interfaceIndex().ifPresent(index -> node.put("interface", index));
            }
        }
        if (!result.routes().isEmpty()) {
            ArrayNode routes = out.putArray("routes");
            for (CniResult.Route route : result.routes()) {
                ObjectNode node = routes.addObject().put("dst", route.dst());
                route.gw().ifPresent(gw -> node.put("gw", gw));
                if (v11) {
                    route.mtu().ifPresent(v -> node.put("mtu", v));
                    route.advmss().ifPresent(v -> node.put("advmss", v));
                    route.priority().ifPresent(v -> node.put("priority", v));
                    route.table().ifPresent(v -> node.put("table", v));
                    route.scope().ifPresent(v -> node.put("scope", v));
                }
            }
        }
        ObjectNode dns = out.putObject("dns");
        result.dns().ifPresent(d -> {
            putStrings(dns, "nameservers", d.nameservers());
            d.domain().ifPresent(domain -> dns.put("domain", domain));
            putStrings(dns, "search", d.search());
            putStrings(dns, "options", d.options());
        });
        return out;
    }

    /**
     * Reads a result written in the shape of {@code version}; {@code where} names it in error messages (e.g.
     * {@code prevResult}). Anything malformed is a decoding error naming the field.
     */
    public static CniResult parse(JsonNode node, CniVersion version, String where) {
        Reader in = new Reader(where);
        in.object(node, where);
        List<CniResult.NetInterface> interfaces = in.objects(node, "interfaces", where, (item, at) -> {
            boolean v11 = version.atLeast(CniVersion.V1_1_0);
            return new CniResult.NetInterface(in.text(item, "name", at).orElseThrow(() -> in.missing(at + ".name")),
                    in.text(item, "mac", at), v11 ? in.integer(item, "mtu", at) : Optional.empty(),
                    in.text(item, "sandbox", at), v11 ? in.text(item, "socketPath", at) : Optional.empty(),
                    v11 ? in.text(item, "pciID", at) : Optional.empty());
        });
        List<CniResult.IpConfig> ips = in.objects(node, "ips", where, (item, at) -> {
            String address = in.text(item, "address", at).orElseThrow(() -> in.missing(at + ".address"));
            int family = IpAddresses.cidrFamily(address);
            if (family < 0) {
                throw in.invalid(at + ".address", "'" + address + "' is not an address in CIDR form");
            }
            if (!version.atLeast(CniVersion.V1_0_0)) {
                in.text(item, "version", at).filter(v -> !v.equals(String.valueOf(family))).ifPresent(v -> {
                    throw in.invalid(at + ".version", "'" + v + "' does not match address " + address);
                });
            }
            Optional<String> gateway = in.text(item, "gateway", at);
            gateway.filter(gw -> IpAddresses.family(gw) != family).ifPresent(gw -> {
                throw in.invalid(at + ".gateway", "'" + gw + "' is not an IPv" + family + " address");
            });
            Optional<Integer> index = in.integer(item, "interface", at);
            return new CniResult.IpConfig(address, gateway, index);
        });
        for (int i = 0; i < ips.size(); i++) {
            int index = ips.get(i).interfaceIndex().orElse(0);
            if (ips.get(i).interfaceIndex().isPresent() && (index < 0 || index >= interfaces.size())) {
                throw in.invalid(where + ".ips[" + i + "].interface", index + " is not an index into interfaces");
            }
        }
        List<CniResult.Route> routes = in.objects(node, "routes", where, (item, at) -> {
            boolean v11 = version.atLeast(CniVersion.V1_1_0);
            String dst = in.text(item, "dst", at).orElseThrow(() -> in.missing(at + ".dst"));
            if (IpAddresses.cidrFamily(dst) < 0) {
                throw in.invalid(at + ".dst", "'" + dst + "' is not a network in CIDR form");
            }
            return new CniResult.Route(dst, in.text(item, "gw", at),
                    v11 ? in.integer(item, "mtu", at) : Optional.empty(),
                    v11 ? in.integer(item, "advmss", at) : Optional.empty(),
                    v11 ? in.integer(item, "priority", at) : Optional.empty(),
                    v11 ? in.integer(item, "table", at) : Optional.empty(),
                    v11 ? in.integer(item, "scope", at) : Optional.empty());
        });
        Optional<CniResult.Dns> dns = Optional.ofNullable(node.get("dns")).filter(d -> !d.isNull()).map(d -> {
            String at = where + ".dns";
            in.object(d, at);
            return new CniResult.Dns(in.strings(d, "nameservers", at), in.text(d, "domain", at),
                    in.strings(d, "search", at), in.strings(d, "options", at));
        });
        return new CniResult(interfaces, ips, routes, dns);
    }

    private static void putStrings(ObjectNode node, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = node.putArray(field);
            values.forEach(array::add);
        }
    }

    /** Typed field access with decoding errors that name the field. */
    private record Reader(String where) {

        void object(JsonNode node, String at) {
            if (!node.isObject()) {
                throw invalid(at, "expected an object");
            }
        }

        Optional<String> text(JsonNode node, String field, String at) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            return Optional.of(string(value, at + "." + field));
        }

        String string(JsonNode value, String at) {
            if (!value.isTextual()) {
                throw invalid(at, "expected a string");
            }
            return value.textValue();
        }

        Optional<Integer> integer(JsonNode node, String field, String at) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isInt()) {
                throw invalid(at + "." + field, "expected an integer");
            }
            return Optional.of(value.intValue());
        }

        <T> List<T> objects(JsonNode node, String field, String at, BiFunction<JsonNode, String, T> item) {
            return list(node, field, at, (element, itemAt) -> {
                object(element, itemAt);
                return item.apply(element, itemAt);
            });
        }

        List<String> strings(JsonNode node, String field, String at) {
            return list(node, field, at, this::string);
        }

        <T> List<T> list(JsonNode node, String field, String at, BiFunction<JsonNode, String, T> item) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                throw invalid(at + "." + field, "expected an array");
            }
            List<T> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                String itemAt = at + "." + field + "[" + i + "]";
                items.add(item.apply(value.get(i), itemAt));
            }
            return items;
        }

        CniException missing(String at) {
            return invalid(at, "missing");
        }

        CniException invalid(String at, String problem) {
            return new CniException(ErrorCode.DECODING_FAILURE, "invalid " + where + ": " + at + ": " + problem);
        }
    }
}
