/**
 * Extension points around connections and calls: connection middleware with its built-ins
 * (connection limits, IP filter), and observers that time, log and trace calls on either
 * side.
 */
@NullMarked
package io.easyrpc.middleware;

import org.jspecify.annotations.NullMarked;
