/**
 * The benchmark call as an easyrpc service: the record sent and returned, the served
 * interface and the asynchronous client interface.
 */
package io.easyrpc.benchmark.api;
