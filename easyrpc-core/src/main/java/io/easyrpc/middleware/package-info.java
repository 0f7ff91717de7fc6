/**
 * Extension points around connections and calls: connection middleware with its built-ins
 * (connection limits, IP filter), and observers that time, log and trace calls on either
 * side.
 */
package io.easyrpc.middleware;
