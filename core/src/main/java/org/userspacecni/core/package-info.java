/**
 * What the host plugin and the container agent share: the JSON codec, the one loader of providers of every kind
 * ({@link org.userspacecni.core.ProviderLoader}) and the backend registry it gives Dagger, the logger both programs write through, the
 * process runner used to call delegated plugins, and the lock that serialises changes to shared state.
 * The CNI protocol itself lives in {@link org.userspacecni.core.cni}.
 */
package org.userspacecni.core;
