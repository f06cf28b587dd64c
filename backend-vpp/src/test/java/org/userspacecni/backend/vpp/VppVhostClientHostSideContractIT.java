package org.userspacecni.backend.vpp;

/**
 * The backend TCK's host-side contract against a VPP with vhost-user ports in client mode: the container side
 * makes their sockets, so the neighbours' sockets are the test's own.
 */
class VppVhostClientHostSideContractIT extends VppHostSideContractIT {

    @Override
    protected String interfaceFields() {
        return "\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"client\"}";
    }
}
