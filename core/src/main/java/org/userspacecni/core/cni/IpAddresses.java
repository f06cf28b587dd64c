package org.userspacecni.core.cni;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of IP literals in results: CIDR addresses and plain gateways. Only literals are accepted, so no
 * check ever turns into a name lookup.
 */
final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IpAddresses() {
    }

    /** The family (4 or 6) of an address in CIDR form; -1 if it is not one. */
    static int cidrFamily(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || !cidr.substring(slash + 1).matches("\\d{1,3}")) {
            return -1;
        }
        int family = family(cidr.substring(0, slash));
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        return family == 4 && prefix <= 32 || family == 6 && prefix <= 128 ? family : -1;
    }

    /** The family (4 or 6) of a plain address literal; -1 if it is not one. */
    static int family(String address) {
        Matcher v4 = IPV4.matcher(address);
        if (v4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(v4.group(group)) > 255) {
                    return -1;
                }
            }
            return 4;
        }
        if (IPV6.matcher(address).matches()) {
            try {
                return InetAddress.getByName(address).getAddress().length == 16 ? 6 : -1;
            } catch (UnknownHostException e) {
                return -1;
            }
        }
        return -1;
    }
}
