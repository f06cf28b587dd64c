package org.userspacecni.core.cni;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A CNI result in the newest model (1.1.0); {@link ResultCodec} reads and writes it in every supported
 * version's shape.
 */
public record CniResult(List<NetInterface> interfaces, List<IpConfig> ips, List<Route> routes, Optional<Dns> dns) {

    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
        Objects.requireNonNull(dns, "dns");
    }

    public static CniResult empty() {
        return new CniResult(List.of(), List.of(), List.of(), Optional.empty());
    }

    /**
     * This result with {@code added} appended as a new interface, and the IPAM result's addresses assigned
     * to it: what a plugin in a chain returns, its predecessors' work kept as it was.
     */
    public CniResult withInterface(NetInterface added, CniResult ipam) {
        List<NetInterface> allInterfaces = new ArrayList<>(interfaces);
        allInterfaces.add(added);
        int index = allInterfaces.size() - 1;
        List<IpConfig> allIps = new ArrayList<>(ips);
        ipam.ips().forEach(ip -> allIps.add(new IpConfig(ip.address(), ip.gateway(), Optional.of(index))));
        List<Route> allRoutes = new ArrayList<>(routes);
        allRoutes.addAll(ipam.routes());
        return new CniResult(allInterfaces, allIps, allRoutes, ipam.dns().or(this::dns));
    }

    /** An interface entry; {@code mtu}, {@code socketPath} and {@code pciID} exist from 1.1.0 on. */
    public record NetInterface(String name, Optional<String> mac, Optional<Integer> mtu, Optional<String> sandbox,
            Optional<String> socketPath, Optional<String> pciID) {

        public NetInterface {
            Objects.requireNonNull(name, "name");
        }
    }

    /** An address in CIDR form, its gateway, and the index of its interface in {@code interfaces}. */
    public record IpConfig(String address, Optional<String> gateway, Optional<Integer> interfaceIndex) {

        public IpConfig {
            Objects.requireNonNull(address, "address");
        }
    }

    /** A route; everything but {@code dst} and {@code gw} exists from 1.1.0 on. */
    public record Route(String dst, Optional<String> gw, Optional<Integer> mtu, Optional<Integer> advmss,
            Optional<Integer> priority, Optional<Integer> table, Optional<Integer> scope) {

        public Route {
            Objects.requireNonNull(dst, "dst");
        }
    }

    public record Dns(List<String> nameservers, Optional<String> domain, List<String> search, List<String> options) {

        public Dns {
            nameservers = List.copyOf(nameservers);
            search = List.copyOf(search);
            options = List.copyOf(options);
        }
    }
}
