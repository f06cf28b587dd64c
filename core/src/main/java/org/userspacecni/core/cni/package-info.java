/**
 * The CNI protocol (specification 1.1.0) as data: the versions this plugin speaks, the result model and
 * its exact shape in each version, the error object, and the decoding of a network configuration into
 * the SPI's records with the right error code for every way it can be wrong.
 */
package org.userspacecni.core.cni;
