package org.userspacecni.core.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Policing;
import org.userspacecni.spi.PortMirror;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VlanRange;
import org.userspacecni.spi.WireName;

/**
 * The SPI's records as JSON trees, written by hand as the project's mapper writes them (its annotations and
 * settings say how): components in their declared order, an empty {@code Optional} and {@code null} left out,
 * also as a map's value, enumerations and interface types by the names configurations spell them. The plugin
 * writes what it keeps (the journal's network configuration and port, the stored container configuration)
 * without building a mapper, which a fresh JVM pays tens of milliseconds for.
 */
public final class SpiTrees {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SpiTrees() {
    }

    public static ObjectNode netConf(NetConf conf) {
        ObjectNode node = NODES.objectNode();
        node.put("cniVersion", conf.cniVersion());
        node.put("name", conf.name());
        node.put("type", conf.type());
        node.set("host", side(conf.host()));
        if (conf.container().isPresent()) {
            node.set("container", side(conf.container().get()));
        }
        if (conf.ipam().isPresent()) {
            node.putObject("ipam").put("type", conf.ipam().get().type());
        }
        put(node, "sharedDir", conf.sharedDir());
        put(node, "dataDir", conf.dataDir());
        put(node, "kubeconfig", conf.kubeconfig());
        put(node, "logFile", conf.logFile());
        node.put("logLevel", conf.logLevel().wireName());
        put(node, "mtu", conf.mtu());
        return node;
    }

    public static ObjectNode network(Network network) {
        ObjectNode node = NODES.objectNode();
        node.put("name", network.name());
        node.set("host", side(network.host()));
        if (network.container().isPresent()) {
            node.set("container", side(network.container().get()));
        }
        put(node, "mtu", network.mtu());
        return node;
    }

    public static ObjectNode side(Side side) {
        ObjectNode node = NODES.objectNode();
        node.put("engine", side.engine());
        node.put("iftype", side.iftype().name());
        put(node, "netType", side.netType());
        node.set("vhost", vhost(side.vhost()));
        node.set("memif", memif(side.memif()));
        node.set("bridge", bridge(side.bridge()));
        side.policing().ifPresent(policing -> node.set("policing", policing(policing)));
        if (!side.mirrors().isEmpty()) {
            ArrayNode mirrors = node.putArray("mirrors");
            for (PortMirror mirror : side.mirrors()) {
                ObjectNode entry = mirrors.addObject().put("name", mirror.name());
                put(entry, "ingress", mirror.ingress());
                put(entry, "egress", mirror.egress());
                put(entry, "consumer", mirror.consumer());
            }
        }
        node.set("options", value(side.options()));
        return node;
    }

    public static ObjectNode containerConfig(ContainerConfig config) {
        ObjectNode node = NODES.objectNode();
        node.put("schemaVersion", config.schemaVersion());
        node.put("containerId", config.containerId());
        node.put("ifName", config.ifName());
        node.put("name", config.name());
        node.set("config", side(config.config()));
        node.set("ipResult", value(config.ipResult()));
        node.put("socket", config.socket());
        node.put("mac", config.mac());
        put(node, "mtu", config.mtu());
        put(node, "vlan", config.vlan());
        put(node, "numaNode", config.numaNode());
        return node;
    }

    public static ObjectNode hostPort(HostPort port) {
        ObjectNode node = NODES.objectNode();
        node.put("name", port.name());
        node.put("socketPath", port.socketPath());
        put(node, "mac", port.mac());
        put(node, "mtu", port.mtu());
        node.set("notes", value(port.notes()));
        put(node, "numaNode", port.numaNode());
        return node;
    }

    private static ObjectNode vhost(VhostConfig vhost) {
        ObjectNode node = NODES.objectNode();
        put(node, "mode", vhost.mode());
        put(node, "group", vhost.group());
        put(node, "socketfile", vhost.socketfile());
        put(node, "queues", vhost.queues());
        return node;
    }

    private static ObjectNode memif(MemifConfig memif) {
        ObjectNode node = NODES.objectNode();
        put(node, "role", memif.role());
        node.put("mode", memif.mode().wireName());
        put(node, "socketfile", memif.socketfile());
        put(node, "queues", memif.queues());
        put(node, "ringSize", memif.ringSize());
        put(node, "bufferSize", memif.bufferSize());
        put(node, "secret", memif.secret());
        return node;
    }

    private static ObjectNode bridge(BridgeConfig bridge) {
        ObjectNode node = NODES.objectNode();
        put(node, "bridgeName", bridge.bridgeName());
        put(node, "bridgeId", bridge.bridgeId());
        put(node, "vlanId", bridge.vlanId());
        put(node, "vlan", bridge.vlan());
        if (!bridge.trunk().isEmpty()) {
            ArrayNode trunk = node.putArray("trunk");
            for (VlanRange range : bridge.trunk()) {
                ObjectNode entry = trunk.addObject();
                put(entry, "id", range.id());
                put(entry, "minID", range.minID());
                put(entry, "maxID", range.maxID());
            }
        }
        put(node, "vlanMode", bridge.vlanMode());
        return node;
    }

    private static ObjectNode policing(Policing policing) {
        ObjectNode node = NODES.objectNode();
        put(node, "rate", policing.rate());
        put(node, "burst", policing.burst());
        return node;
    }

    private static void put(ObjectNode node, String key, Optional<?> value) {
        if (value.isPresent()) {
            node.set(key, value(value.get()));
        }
    }

    /** A plain Java value (maps, collections, strings, numbers, booleans, constants) as its tree. */
    public static JsonNode value(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof String text) {
            return NODES.textNode(text);
        } else if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        } else if (value instanceof Integer number) {
            return NODES.numberNode(number);
        } else if (value instanceof Long number) {
            return NODES.numberNode(number);
        } else if (value instanceof Double number) {
            return NODES.numberNode(number);
        } else if (value instanceof BigInteger number) {
            return NODES.numberNode(number);
        } else if (value instanceof BigDecimal number) {
            return NODES.numberNode(number);
        } else if (value instanceof WireName constant) {
            return NODES.textNode(constant.wireName());
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object element = entry.getValue();
                if (element != null && !(element instanceof Optional<?> optional && optional.isEmpty())) {
                    node.set(String.valueOf(entry.getKey()), value(element));
                }
            }
            return node;
        } else if (value instanceof Collection<?> collection) {
            ArrayNode node = NODES.arrayNode();
            for (Object element : collection) {
                node.add(value(element));
            }
            return node;
        } else if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? value(optional.get()) : NODES.nullNode();
        }
        throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
}
