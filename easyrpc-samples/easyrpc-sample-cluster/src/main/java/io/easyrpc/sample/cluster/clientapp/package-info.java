/**
 * The client application of the cluster sample.
 */
package io.easyrpc.sample.cluster.clientapp;
