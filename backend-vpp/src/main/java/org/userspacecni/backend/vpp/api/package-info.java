/**
 * A client of VPP's binary API written from its specification: the message definitions VPP's generator
 * produces ({@code .api.json}, read at run time by {@link org.userspacecni.backend.vpp.api.ApiDefinitions}),
 * a codec driven by them, the socket framing, and the connection with its handshake, message table,
 * request/reply, dumps and timeouts.
 */
package org.userspacecni.backend.vpp.api;
