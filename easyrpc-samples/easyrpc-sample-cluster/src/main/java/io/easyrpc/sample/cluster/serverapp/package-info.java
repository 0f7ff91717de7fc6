/**
 * One server instance of the cluster sample.
 */
package io.easyrpc.sample.cluster.serverapp;
