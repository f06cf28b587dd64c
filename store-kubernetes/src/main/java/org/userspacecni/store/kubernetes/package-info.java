/**
 * The {@code kubernetes} config store: each attachment's container-side configuration in the pod's
 * annotations {@code userspace/configuration-data} and {@code userspace/mapped-dir}, as the original plugin
 * wrote them, and the pod's {@code shared-dir} volume as the socket directory; through the fabric8 Kubernetes
 * client, with a kubeconfig or the in-cluster service account.
 */
package org.userspacecni.store.kubernetes;
