package org.userspacecni.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.NetConf;

/**
 * One invocation, decoded once where it comes in ({@link Main}): the environment, the CNI version, the network
 * configuration, and what the runtime adds to it for this command: the previous result (ADD, CHECK), the valid
 * attachments (GC), the MAC address (ADD, CHECK, DEL; {@link MacAddresses}) and the device-info file (ADD;
 * {@link DeviceInfo}). A part the command does not read is not decoded, so a DEL never fails on what only ADD
 * reads. The configuration as sent goes along whole for the IPAM plugin alone, which is given it on stdin.
 */
record CniRequest(CniEnvironment environment, CniVersion version, NetConf netConf, ObjectNode asSent,
        Optional<CniResult> prevResult, Set<AttachmentId> validAttachments, Optional<String> mac,
        Optional<Path> deviceInfoFile) {

    static CniRequest decode(CniEnvironment environment, ObjectNode config, CniVersion version, NetConf netConf,
            System.Logger log) {
        CniCommand command = environment.command();
        boolean adding = command == CniCommand.ADD || command == CniCommand.CHECK;
        return new CniRequest(environment, version, netConf, config,
                adding ? NetConfDecoder.prevResult(config, version) : Optional.empty(),
                command == CniCommand.GC ? NetConfDecoder.validAttachments(config) : Set.of(),
                adding || command == CniCommand.DEL ? Optional.of(mac(command, config, environment, log))
                        : Optional.empty(),
                command == CniCommand.ADD ? DeviceInfo.file(config) : Optional.empty());
    }

    /**
     * The MAC address; for DEL, one that ADD would have refused is replaced by the derived one, so that it cannot
     * keep DEL from removing what the attachment's marks and journal entry name (nothing is removed by its MAC).
     */
    private static String mac(CniCommand command, ObjectNode config, CniEnvironment environment, System.Logger log) {
        try {
            return MacAddresses.of(config, environment);
        } catch (CniException e) {
            if (command != CniCommand.DEL) {
                throw e;
            }
            log.log(Level.WARNING, "DEL: " + e.getMessage() + "; going on without it");
            return MacAddresses.derived(environment.attachmentId());
        }
    }
}
