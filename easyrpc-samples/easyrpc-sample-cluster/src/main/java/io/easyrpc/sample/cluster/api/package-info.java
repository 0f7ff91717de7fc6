/**
 * The interface the cluster sample's servers implement and its client calls.
 */
package io.easyrpc.sample.cluster.api;
