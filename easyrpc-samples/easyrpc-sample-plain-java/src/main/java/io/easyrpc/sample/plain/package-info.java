/**
 * A server and a client of one interface in plain Java, without Spring.
 */
package io.easyrpc.sample.plain;
