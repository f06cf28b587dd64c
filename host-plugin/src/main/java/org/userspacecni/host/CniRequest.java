package org.userspacecni.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.spi.NetConf;

/** One decoded invocation: the environment, the configuration as sent (for delegation) and as read. */
record CniRequest(CniEnvironment environment, ObjectNode config, CniVersion version, NetConf netConf) {
}
